"""信用承诺 use cases: register (API or file), code, fulfilment history, breach record, eligibility."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, exists, func, select
from sqlalchemy.orm import Session

from xinyong.audit import service as audit
from xinyong.auth.principal import Principal, Role
from xinyong.commitments.models import Commitment, CommitmentEvent
from xinyong.commitments.rules import CommitmentRules, CommitmentType
from xinyong.commitments.rules import rules_of as rules_of  # part of this service (indices read the statuses)
from xinyong.db_prepared import Prepared, Reader, connection_of
from xinyong.departments import service as departments_service
from xinyong.departments.models import Department
from xinyong.errors import Conflict, Forbidden, Invalid, NotFound
from xinyong.kit.crypto import KeyRing
from xinyong.kit.dates import add_months
from xinyong.policy.loader import Policy
from xinyong.records import service as records_service
from xinyong.records.models import CreditRecord
from xinyong.records.schemas import RecordVersionIn
from xinyong.subjects import service as subjects_service
from xinyong.subjects.models import Subject, SubjectKind

IN_PROGRESS = "履约中"
# Allowed fulfilment transitions; 全部履行 and 未履行 are final.
TRANSITIONS = {
    "履约中": {"全部履行", "部分履行", "未履行"},
    "部分履行": {"全部履行", "未履行"},
}


@dataclass(frozen=True)
class CommitmentInput:
    """What a receiving body registers."""

    subject_code: str
    type: str
    department_code: str
    matter: str
    content: str
    committed_on: dt.date
    due_on: dt.date | None = None


@dataclass(frozen=True)
class BreachInfo:
    """A breach and the day its 告知承诺 suspension ends (inclusive)."""

    code: str
    breached_on: dt.date
    suspended_until: dt.date | None


def next_code(session: Session, region_code: str, on: dt.date) -> str:
    """Return the next commitment code: 6-digit region + yyyyMMdd + 6-digit sequence."""
    prefix = f"{region_code}{on:%Y%m%d}"
    last = session.scalar(select(func.max(Commitment.code)).where(Commitment.code.like(f"{prefix}%")))
    seq = int(last[-6:]) + 1 if last else 1
    if seq > 999_999:
        raise Conflict("当日承诺编码顺序号已用尽", code="commitment.sequence_exhausted")
    return f"{prefix}{seq:06d}"


def acting_department(session: Session, principal: Principal, given: str | None) -> tuple[str, bool]:
    """Return the department a caller registers for, and whether it acts on another's behalf.

    A department (officer or system key) acts only as itself, whatever the body names; only the credit
    centre's administrator may register for a named department (代为登记), which the audit row records.
    """
    own = session.get(Department, principal.department_id) if principal.department_id is not None else None
    if principal.role == Role.ADMIN and given:
        return given, own is None or own.code != given
    if own is None:
        raise Forbidden("当前身份不属于任何部门，不能登记信用承诺", code="commitment.no_department")
    if given and given != own.code:
        raise Forbidden("只能以本部门名义登记信用承诺", code="commitment.wrong_department")
    return own.code, False


def check_handles(principal: Principal, row: Commitment) -> bool:
    """Raise ``Forbidden`` unless the caller's department received the commitment; tell if on behalf (admin)."""
    if principal.role == Role.ADMIN:
        return principal.department_id != row.department_id
    if principal.department_id is None or principal.department_id != row.department_id:
        raise Forbidden("只有受理该承诺的部门可以登记履约状态", code="commitment.wrong_department")
    return False


def _checked_type(rules: CommitmentRules, data: CommitmentInput) -> CommitmentType:
    """Return the commitment's type, refusing an unknown type, an empty matter and a due date too early."""
    ctype = rules.type_of(data.type)
    if ctype is None:
        raise Invalid(f"未知承诺类型：{data.type}", code="commitment.bad_type")
    if not data.matter.strip() or not data.content.strip():
        raise Invalid("承诺事项和承诺内容不能为空", code="commitment.empty")
    if data.due_on is not None and data.due_on < data.committed_on:
        raise Invalid("履约期限早于承诺日期", code="commitment.bad_due")
    return ctype


def register(
    session: Session,
    policy: Policy,
    keys: KeyRing,
    data: CommitmentInput,
    *,
    actor: str,
    source: str = "api",
    on_behalf: bool = False,
) -> Commitment:
    """Register a commitment with a fresh code, status 履约中 and its first history entry."""
    ctype = _checked_type(rules_of(policy), data)
    subject = subjects_service.get_by_code(session, keys, data.subject_code)
    dept = departments_service.by_code(session, data.department_code)
    code = next_code(session, dept.region_code or policy.regions.regions[0].code, data.committed_on)
    row = Commitment(
        code=code,
        type=ctype.label,
        subject_id=subject.id,
        department_id=dept.id,
        matter=data.matter.strip(),
        content=data.content.strip(),
        committed_on=data.committed_on,
        due_on=data.due_on,
        status=IN_PROGRESS,
        status_on=data.committed_on,
        source=source,
        created_by=actor,
    )
    session.add(row)
    session.flush()
    session.add(
        CommitmentEvent(
            commitment_id=row.id,
            from_status=None,
            to_status=IN_PROGRESS,
            effective_on=data.committed_on,
            actor=actor,
        )
    )
    audit.append(
        session,
        actor=actor,
        action="commitment.register",
        object_type="commitment",
        object_id=code,
        detail={
            "type": ctype.label,
            "subject_id": subject.id,
            "department": dept.code,
            "source": source,
            **({"on_behalf_of": dept.code} if on_behalf else {}),
        },
    )
    return row


def get(session: Session, code: str) -> Commitment:
    """Return a commitment by code or raise ``NotFound``."""
    row = session.scalar(select(Commitment).where(Commitment.code == code.strip()))
    if row is None:
        raise NotFound("未找到该信用承诺", code="commitment.not_found")
    return row


def history(session: Session, commitment_id: int) -> list[CommitmentEvent]:
    """Return the fulfilment history in order."""
    return list(
        session.scalars(
            select(CommitmentEvent)
            .where(CommitmentEvent.commitment_id == commitment_id)
            .order_by(CommitmentEvent.effective_on, CommitmentEvent.id)
        )
    )


def _breach_record(
    session: Session, policy: Policy, rules: CommitmentRules, row: Commitment, on: dt.date, reason: str | None
) -> CreditRecord:
    spec = rules.breach_record
    receiving = session.get(Department, row.department_id)
    if spec.department == "receiving" and receiving is not None:
        dept = receiving
    else:
        code = spec.fallback_department if spec.department == "receiving" else spec.department
        dept = departments_service.by_code(session, code)
    subject = session.get(Subject, row.subject_id)
    assert subject is not None  # noqa: S101 - foreign key
    item = policy.catalog[spec.catalog_item]
    payload = {
        "ZTMC": subject.name,
        "ZTLB": subjects_service.xdr_category(subject.kind),
        "TYSHXYDM": subject.uscc,
        "CN_LX": row.type,
        "CN_BM": row.code,
        "CN_RQ": row.committed_on.isoformat(),
        "CN_SLDW": receiving.name if receiving else dept.name,
        "CN_SLDWDM": receiving.uscc if receiving else None,
        "CN_SX": row.matter,
        "CN_LYZT": "未履行",
        "WN_RDRQ": on.isoformat(),
        "WN_YY": reason,
        "commitment_code": row.code,
    }
    payload = {k: v for k, v in payload.items() if v is not None}
    key = hashlib.sha256(f"{item.id}|{dept.code}|{row.code}|{subject.id}|breach".encode()).hexdigest()
    version = RecordVersionIn(
        record_key=key,
        catalog_item=item.id,
        catalog_version=item.version,
        subject_id=subject.id,
        department_id=dept.id,
        document_no=row.code,
        decision_on=on,
        valid_from=on,
        valid_to=None,
        severity=spec.severity,
        polarity="negative",
        payload=payload,
        content_hash=records_service.payload_hash(payload),
        policy_hash=policy.hash,
    )
    record = records_service.add_version(session, version)
    return record


def set_status(
    session: Session,
    policy: Policy,
    code: str,
    status: str,
    on: dt.date,
    *,
    actor: str,
    reason: str | None = None,
    principal: Principal | None = None,
) -> Commitment:
    """Record a fulfilment status; a breach writes a negative record linked to the commitment.

    ``principal``: the caller of a request, who must belong to the receiving department (or be the credit
    centre acting on its behalf, audited); ``None`` only for trusted batch callers.
    """
    rules = rules_of(policy)
    row = get(session, code)
    on_behalf = check_handles(principal, row) if principal is not None else False
    if status not in rules.statuses:
        raise Invalid(f"未知履约状态：{status}", code="commitment.bad_status")
    if status not in TRANSITIONS.get(row.status, set()):
        raise Conflict(f"承诺当前为“{row.status}”，不能改为“{status}”", code="commitment.bad_transition")
    if on < row.status_on:
        raise Invalid("状态日期早于上一次状态日期", code="commitment.bad_date")
    if status in rules.breach_statuses and not reason:
        raise Invalid("认定违诺须写明理由", code="commitment.reason_required")
    session.add(
        CommitmentEvent(
            commitment_id=row.id,
            from_status=row.status,
            to_status=status,
            effective_on=on,
            reason=reason,
            actor=actor,
        )
    )
    previous, row.status, row.status_on = row.status, status, on
    detail: dict[str, object] = {"from": previous, "to": status, "on": on.isoformat()}
    if on_behalf:
        detail["on_behalf_of_department_id"] = row.department_id
    if status in rules.breach_statuses:
        record = _breach_record(session, policy, rules, row, on, reason)
        row.breach_record_id = record.id
        detail["record_id"] = record.id
    session.flush()
    audit.append(
        session,
        actor=actor,
        action="commitment.status",
        object_type="commitment",
        object_id=code,
        detail=detail,
    )
    return row


_C = Commitment.__table__
_BREACH_COLS = (_C.c.subject_id, _C.c.code, _C.c.type, _C.c.status_on, _C.c.status)
_BREACHES = select(*_BREACH_COLS).where(_C.c.subject_id.in_(bindparam("ids", expanding=True)))
_BREACHES_ONE = Prepared(select(*_BREACH_COLS).where(_C.c.subject_id == bindparam("id")))


def has_commitments(subject_id: Any) -> Any:
    """Return an SQL ``EXISTS``: the subject (a column of the enclosing query) has made a commitment."""
    return exists().where(_C.c.subject_id == subject_id)


def breaches_for(db: Reader, subject_ids: Sequence[int], policy: Policy) -> dict[int, list[BreachInfo]]:
    """Return breaches per subject, with the 告知承诺 suspension derived from the breach date."""
    rules = rules_of(policy)
    out: dict[int, list[BreachInfo]] = defaultdict(list)
    if not subject_ids:
        return out
    conn = connection_of(db)
    for start in range(0, len(subject_ids), 2000):
        part = list(subject_ids[start : start + 2000])
        if len(part) == 1:  # the common single check: equality, no IN-list expansion
            rows: Any = _BREACHES_ONE.all(conn, {"id": part[0]})
        else:
            rows = conn.execute(_BREACHES, {"ids": part}).all()
        for subject_id, code, ctype, on, status in rows:
            if status not in rules.breach_statuses:
                continue
            months = rules.suspension_months.get(ctype)
            until = add_months(on, months) - dt.timedelta(days=1) if months else None
            out[subject_id].append(BreachInfo(code, on, until))
    return out


def public(
    session: Session,
    policy: Policy,
    *,
    limit: int = 50,
    offset: int = 0,
    subject_id: int | None = None,
) -> list[tuple[Commitment, Subject, Department]]:
    """Return published commitments (public types such as 主动型; never natural persons), newest first;
    with ``subject_id``, only that subject's (its public page)."""
    types = [t.label for t in rules_of(policy).types if t.public]
    where = [Commitment.type.in_(types), Subject.kind != SubjectKind.NATURAL_PERSON.value]
    if subject_id is not None:
        where.append(Commitment.subject_id == subject_id)
    rows = session.execute(
        select(Commitment, Subject, Department)
        .join(Subject, Subject.id == Commitment.subject_id)
        .join(Department, Department.id == Commitment.department_id)
        .where(*where)
        .order_by(Commitment.committed_on.desc(), Commitment.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return [(c, s, d) for c, s, d in rows]
