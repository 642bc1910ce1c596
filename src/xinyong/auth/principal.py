"""Who is calling: roles and the principal (pure, no framework)."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Role(enum.StrEnum):
    """Roles of the platform."""

    PUBLIC = "public"  # 公众（匿名）
    SUBJECT = "subject"  # 信用主体本人/本单位
    OFFICER = "officer"  # 部门工作人员（限本部门、本区县）
    SYSTEM = "system"  # 部门业务系统（API 密钥）
    SUPERVISOR = "supervisor"  # 监管人员
    ADMIN = "admin"  # 信用中心管理员
    BANK = "bank"  # 金融机构
    AUDITOR = "auditor"  # 审计人员


ROLE_LABELS = {
    Role.PUBLIC: "公众",
    Role.SUBJECT: "信用主体",
    Role.OFFICER: "部门工作人员",
    Role.SYSTEM: "部门业务系统",
    Role.SUPERVISOR: "监管人员",
    Role.ADMIN: "信用中心管理员",
    Role.BANK: "金融机构",
    Role.AUDITOR: "审计人员",
}


@dataclass(frozen=True)
class Principal:
    """The authenticated caller, with the scope its role carries."""

    role: Role
    username: str = "anonymous"
    account_id: int | None = None
    subject_id: int | None = None
    department_id: int | None = None
    region_code: str | None = None
    organisation: str | None = None
    institution_code: str | None = None  # a bank user's registered institution (consents name it)

    @property
    def actor(self) -> str:
        """Return the actor string written to audit and query logs."""
        return f"{self.role.value}:{self.username}"

    @property
    def signed_in(self) -> bool:
        """Tell whether the caller identified itself (anyone but the anonymous public)."""
        return self.role != Role.PUBLIC

    @property
    def works_for_one_department(self) -> bool:
        """Tell whether the caller acts for one department only (an officer), whatever it is bound to."""
        return self.role == Role.OFFICER

    @property
    def limited_to_department(self) -> int | None:
        """Return the department an officer's work lists are limited to (other roles see every department)."""
        return self.department_id if self.works_for_one_department else None

    @property
    def is_government(self) -> bool:
        """Tell whether the caller acts for a government body."""
        return self.role in (Role.OFFICER, Role.SYSTEM, Role.SUPERVISOR, Role.ADMIN)


ANONYMOUS = Principal(role=Role.PUBLIC)


@dataclass(frozen=True)
class Permission:
    """An action and the roles that may take it: the one home for both the route's guard
    (``require(PERMISSION)``) and what a page offers (``can(principal, PERMISSION)``), so a page never shows a
    button its target route would refuse."""

    code: str
    roles: frozenset[Role]


def permission(code: str, *roles: Role) -> Permission:
    """Declare a permission held by ``roles``."""
    return Permission(code, frozenset(roles))


def can(principal: Principal, granted: Permission) -> bool:
    """Tell whether the caller holds a permission."""
    return principal.role in granted.roles
