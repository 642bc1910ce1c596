"""One scope check for every read of a subject's non-public information, logged for 谁查询了我.

``authorise_read`` decides whether a caller may read something about one subject that the public may
not see — a file, a score, a supervision class, a check, a repair notice, eligibility, a material — and
writes the query-log entry and audit row of the read (``consent.log_read``), so the subject finds every
such read in 谁查询了我. The scopes, in order:

- **subject**: the subject itself (its accounts and keys);
- **credit centre / audit**: the administrator and the auditor, always, with their basis;
- **department**: an officer or system key of the department that owns the thing read (its own record,
  its own case), wherever the subject is registered;
- **city / county**: otherwise a department reads for a duty scenario (浙江条例第二十一条) and only
  within its region (a county department its county; a city department the whole city) — the rule of
  ``auth.access.read_access``;
- **consent**: a bank holding the subject's valid authorisation (授权书) for its institution, within
  what the authorisation grants (the score only when granted).

Everyone else is refused. Pure decisions live in ``auth.access``; this module loads the facts.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from xinyong.auth import consent
from xinyong.auth.access import Basis, ReadAccess, access_policy, read_access
from xinyong.auth.principal import Principal, Role
from xinyong.errors import Forbidden, NotFound, Unauthorized
from xinyong.policy.loader import Policy
from xinyong.rules.disclosure import Audience
from xinyong.subjects.models import IdentifierScheme, Subject

# What was read, as the query log names it (labels for people in ``WHAT_LABELS``).
WHAT_LABELS = {
    "credit_file": "信用档案",
    "search_hit": "检索结果",
    "evaluation": "公共信用评价",
    "supervision_class": "分级分类监管类别",
    "check": "联合奖惩核查",
    "repair_notice": "信用修复告知书",
    "repair_eligibility": "信用修复条件",
    "repair_case": "信用修复申请",
    "repair_material": "信用修复材料",
    "repair_guide": "信用修复申请指引",
    "repair_decision": "信用修复决定书",
    "unresolved_row": "待关联的报送数据",
    "objection_contact": "异议联系人信息",
    "commitment": "信用承诺及履约情况",
    "finance_match": "信易贷产品匹配",
    "finance_application": "信易贷申请",
    "scene_eligibility": "信易+ 守信激励资格核验",
    "household_file": "农户信用档案",
    "household_index": "农户信用指数结果",
    "agency_practitioner": "信用服务机构从业人员登记",
    "professional_licence": "重点职业人群执业登记",
    "civil_servant": "公务员信用档案登记",
}
# What an authorisation covers only when the subject granted the score (授权范围：评分).
SCORE_READS = frozenset({"evaluation", "supervision_class"})
# A department reading what it owns itself (its finding, its case) reads for that duty.
OWN_DUTY = "own_matter"
_OWN_LABEL = "办理本部门认定或受理的事项"
DEPARTMENT_ROLES = (Role.OFFICER, Role.SYSTEM, Role.SUPERVISOR)


def region_of(subject: Subject) -> str | None:
    """Return the region a subject belongs to: its own, else a person's from the ID number's first six digits.

    Only the masked number is read (``330102********4568`` keeps the region): a person without a recorded
    region is still in one county's scope, not in every county's.
    """
    if subject.region_code:
        return subject.region_code
    for ident in subject.identifiers:
        if ident.scheme == IdentifierScheme.ID_CARD.value and ident.masked and ident.masked[:6].isdigit():
            return ident.masked[:6]
    return None


def decide_read(
    session: Session,
    policy: Policy,
    principal: Principal,
    subject: Subject,
    *,
    on: dt.date,
    owner_department_id: int | None = None,
    purpose: str | None = None,
) -> ReadAccess:
    """Return how ``principal`` reads ``subject``'s non-public information, or raise 401/403."""
    role = principal.role
    if role == Role.PUBLIC:
        raise Unauthorized("请先登录", code="auth.required")
    if (
        role in (Role.OFFICER, Role.SYSTEM)
        and owner_department_id is not None
        and principal.department_id == owner_department_id
    ):
        return ReadAccess(Audience.DEPARTMENT, Basis.DUTY, _OWN_LABEL, OWN_DUTY)
    if role in DEPARTMENT_ROLES and not purpose:
        purpose = (
            "daily_supervision"  # 日常监督管理, the duty a department reads for unless it says otherwise
        )
    access = resolve_access(session, principal, subject, purpose=purpose, on=on, policy=policy)
    if access.basis == Basis.PUBLIC:
        raise Forbidden("无权查看该主体的非公开信息（须本人、依职责或经授权）", code="access.forbidden")
    return access


def resolve_access(
    session: Session,
    principal: Principal,
    subject: Subject,
    *,
    purpose: str | None,
    on: dt.date,
    policy: Policy,
) -> ReadAccess:
    """Return how ``principal`` reads ``subject`` (checks authorisation and duty scope)."""
    authorisation = consent.grant_for(session, subject.id, principal, on)
    return read_access(
        principal,
        subject_id=subject.id,
        subject_region=region_of(subject),
        purpose=purpose,
        authorisation=authorisation,
        policy=access_policy(policy),
        city_region=policy.city_region,
    )


def authorise_read(
    session: Session,
    policy: Policy,
    principal: Principal,
    subject_id: int,
    *,
    what: str,
    on: dt.date,
    owner_department_id: int | None = None,
    purpose: str | None = None,
    items: int = 1,
) -> ReadAccess:
    """Check the caller's scope for reading ``what`` about a subject, and log the read for 谁查询了我."""
    subject = session.get(Subject, subject_id)
    if subject is None:
        raise NotFound("未找到该信用主体", code="subject.not_found")
    access = decide_read(
        session, policy, principal, subject, on=on, owner_department_id=owner_department_id, purpose=purpose
    )
    if access.grant is not None and what in SCORE_READS and not access.grant.score:
        raise Forbidden("主体的授权不包括信用评分，无权查看", code="consent.score_not_granted")
    consent.log_read(
        session, principal, subject_id=subject.id, access=access, what=what, items=items, policy=policy, on=on
    )
    return access
