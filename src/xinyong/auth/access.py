"""Who may do what, decided in one place: capabilities by role and scope, and the read basis.

``read_access(principal, subject, ...)`` turns a caller into the disclosure ``Audience`` it reads a
credit file as, with the legal basis that the query log records (浙江条例第十九至二十一条):
the subject itself, a department for one of its listed duties (第二十一条), a party holding the
subject's valid authorisation (授权书), the credit centre, or the auditor. Everyone else reads as
the public. Pure: takes typed inputs, imports no database or framework.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

from pydantic import Field

from xinyong.auth.principal import Principal, Role
from xinyong.errors import Forbidden, Invalid
from xinyong.policy.base import Strict, Versioned
from xinyong.policy.loader import Policy, Problems, Section, load_model
from xinyong.rules.disclosure import Audience


class DutyScenario(Strict):
    """A duty in which a department must query the credit file (浙江条例第二十一条)."""

    id: str = Field(pattern=r"^[a-z_]+$")
    label: str


class LoginThrottle(Strict):
    """Failed sign-ins tolerated before a lockout (等保 2.0 登录失败处理), per account and per address."""

    account_failures: int = Field(gt=0)
    address_failures: int = Field(gt=0)
    window_seconds: int = Field(gt=0)
    lockout_seconds: int = Field(gt=0)


class AccessPolicy(Versioned):
    """Bases for reading non-public information."""

    basis: str
    duty_scenarios: list[DutyScenario]
    authorisation_max_days: int = Field(gt=0, description="授权书的最长期限（天）")
    login_throttle: LoginThrottle

    def __len__(self) -> int:
        return len(self.duty_scenarios)

    def scenario(self, scenario_id: str) -> DutyScenario | None:
        """Return the duty scenario with ``scenario_id``."""
        return next((s for s in self.duty_scenarios if s.id == scenario_id), None)


def load(policy: Policy) -> AccessPolicy:
    """Load ``policy/access/access.yaml``."""
    problems = Problems(policy.root)
    doc = load_model(policy.root / "access" / "access.yaml", AccessPolicy, problems)
    ids = [s.id for s in doc.duty_scenarios] if doc else []
    if len(set(ids)) != len(ids):
        problems.add("access/access.yaml", "履职查询情形 id 重复")
    problems.raise_if_any()
    if doc is None:
        raise AssertionError("unreachable: problems were raised above")
    return doc


SECTION = Section("access", load)


def access_policy(policy: Policy) -> AccessPolicy:
    """Return the access policy section (loaded once)."""
    return policy.section(SECTION)


class Capability(enum.StrEnum):
    """Things a caller may do."""

    READ_FILE = "read_file"  # 查看信用档案（按身份决定可见范围）
    READ_VERSIONS = "read_versions"  # 查看记录的历史版本
    MANAGE_CONSENT = "manage_consent"  # 授权与撤销（主体本人）
    VIEW_OWN_QUERIES = "view_own_queries"  # 谁查询了我
    READ_AUDIT = "read_audit"  # 审计日志
    MANAGE_ACCOUNTS = "manage_accounts"  # 账号管理
    SEARCH_PERSONS = "search_persons"  # 检索自然人


_CAPABILITIES: dict[Capability, frozenset[Role]] = {
    Capability.READ_FILE: frozenset(Role),
    Capability.READ_VERSIONS: frozenset(
        {Role.SUBJECT, Role.OFFICER, Role.SYSTEM, Role.SUPERVISOR, Role.ADMIN, Role.BANK, Role.AUDITOR}
    ),
    Capability.MANAGE_CONSENT: frozenset({Role.SUBJECT}),
    Capability.VIEW_OWN_QUERIES: frozenset({Role.SUBJECT}),
    Capability.READ_AUDIT: frozenset({Role.AUDITOR, Role.ADMIN}),
    Capability.MANAGE_ACCOUNTS: frozenset({Role.ADMIN}),
    Capability.SEARCH_PERSONS: frozenset(
        {Role.OFFICER, Role.SYSTEM, Role.SUPERVISOR, Role.ADMIN, Role.AUDITOR}
    ),
}


def can(principal: Principal, capability: Capability) -> bool:
    """Tell whether the caller's role carries ``capability``."""
    if (
        capability in (Capability.MANAGE_CONSENT, Capability.VIEW_OWN_QUERIES)
        and principal.subject_id is None
    ):
        return False
    return principal.role in _CAPABILITIES[capability]


def ensure(principal: Principal, capability: Capability) -> None:
    """Raise ``Forbidden`` unless the caller may use ``capability``."""
    if not can(principal, capability):
        raise Forbidden("当前身份无权执行此操作", code="auth.forbidden", capability=capability.value)


class Basis(enum.StrEnum):
    """The legal basis of a read, as written to the query log."""

    PUBLIC = "public"  # 公开信息
    SELF = "self"  # 本人查询
    DUTY = "duty"  # 依职责查询（第二十一条）
    AUTHORISATION = "authorisation"  # 依授权查询（第十九条）
    CREDIT_CENTRE = "credit_centre"  # 公共信用工作机构
    AUDIT = "audit"  # 审计
    INCENTIVE = "incentive"  # 守信激励核验（信易+ 服务机构，只用于给予激励）


@dataclass(frozen=True)
class Grant:
    """What a valid authorisation (授权书) gives its institution: the file's sections, and the score or not."""

    id: int
    purpose: str
    sections: frozenset[str]
    score: bool


@dataclass(frozen=True)
class ReadAccess:
    """How a caller reads one subject's file, and what the query log records.

    ``grant`` is set when the read rests on an authorisation: the reader then sees only what it covers.
    """

    audience: Audience
    basis: Basis
    purpose: str
    basis_ref: str | None = None
    grant: Grant | None = None

    @property
    def logged(self) -> bool:
        """Tell whether the read must be logged (every read beyond public information)."""
        return self.basis != Basis.PUBLIC


PUBLIC_READ = ReadAccess(Audience.PUBLIC, Basis.PUBLIC, "公开信息查询")


def stated_purpose(principal: Principal, purpose: str | None) -> str | None:
    """Return the duty purpose a caller's read is asked under: the credit centre and audit read on their own
    basis (``read_access``), so a purpose chosen on a form does not apply to them."""
    return None if principal.role in (Role.ADMIN, Role.AUDITOR) else purpose


def in_scope(principal: Principal, subject_region: str | None, city_region: str) -> bool:
    """Tell whether a department caller's region covers the subject (city-level covers all)."""
    region = principal.region_code
    if region is None or region == city_region or subject_region is None:
        return True
    return subject_region == region


def read_access(
    principal: Principal,
    *,
    subject_id: int,
    subject_region: str | None,
    purpose: str | None,
    authorisation: Grant | None,
    policy: AccessPolicy,
    city_region: str,
) -> ReadAccess:
    """Decide the audience and basis of ``principal`` reading one subject's credit file.

    ``purpose`` is the duty scenario id a department gives; ``authorisation`` is what a valid
    authorisation the subject gave the caller's institution grants, if any.
    """
    role = principal.role
    if role == Role.SUBJECT and principal.subject_id == subject_id:
        return ReadAccess(Audience.SUBJECT_SELF, Basis.SELF, "本人查询")
    if role == Role.AUDITOR:
        return ReadAccess(Audience.AUDITOR, Basis.AUDIT, purpose or "审计检查")
    if role == Role.ADMIN:
        return ReadAccess(Audience.CREDIT_CENTRE, Basis.CREDIT_CENTRE, purpose or "信用信息管理")
    if role in (Role.OFFICER, Role.SYSTEM, Role.SUPERVISOR):
        if not purpose:
            return PUBLIC_READ
        scenario = policy.scenario(purpose)
        if scenario is None:
            known = "、".join(f"{s.id}（{s.label}）" for s in policy.duty_scenarios)
            raise Invalid(
                f"查询目的 {purpose} 不是规定的履职查询情形，可选：{known}", code="access.bad_purpose"
            )
        if role != Role.SUPERVISOR and not in_scope(principal, subject_region, city_region):
            raise Forbidden("该主体不在本部门所辖区域，无权依职责查询", code="access.out_of_scope")
        return ReadAccess(Audience.DEPARTMENT, Basis.DUTY, scenario.label, scenario.id)
    if authorisation is not None and role in (Role.BANK, Role.SUBJECT):
        return ReadAccess(
            Audience.AUTHORISED_PARTY,
            Basis.AUTHORISATION,
            authorisation.purpose,
            str(authorisation.id),
            grant=authorisation,
        )
    return PUBLIC_READ


def query_log_keep_until(policy: Policy, on: dt.date) -> dt.date:
    """Return the last day a query-log entry made on ``on`` must be kept (第二十条：10 年)."""
    years = policy.retention.query_log_retention_years
    try:
        return on.replace(year=on.year + years)
    except ValueError:  # 29 February
        return on.replace(year=on.year + years, day=28)
