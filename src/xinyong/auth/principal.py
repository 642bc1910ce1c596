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
    def limited_to_department(self) -> int | None:
        """Return the department an officer's work lists are limited to (other roles see every department)."""
        return self.department_id if self.role == Role.OFFICER else None

    @property
    def is_government(self) -> bool:
        """Tell whether the caller acts for a government body."""
        return self.role in (Role.OFFICER, Role.SYSTEM, Role.SUPERVISOR, Role.ADMIN)


ANONYMOUS = Principal(role=Role.PUBLIC)
