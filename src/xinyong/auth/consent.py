"""Consent (授权书) and the query log (查询记录): grant, revoke, check, log, and 谁查询了我."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import cast

from sqlalchemy import Select, Table, delete, func, or_, select
from sqlalchemy.orm import Session

from xinyong.audit import service as audit
from xinyong.auth.access import Grant, ReadAccess, access_policy, query_log_keep_until
from xinyong.auth.models import Authorisation as Authorisation
from xinyong.auth.models import QueryLog
from xinyong.auth.principal import Principal
from xinyong.db import utcnow
from xinyong.db_prepared import PreparedInsert
from xinyong.errors import Conflict, Forbidden, Invalid, NotFound
from xinyong.policy.loader import Policy


def latest_end(policy: Policy, valid_from: dt.date) -> dt.date:
    """Return the last day an authorisation starting on ``valid_from`` may run to (policy's longest term)."""
    return valid_from + dt.timedelta(days=access_policy(policy).authorisation_max_days)


def grant(
    session: Session,
    principal: Principal,
    *,
    grantee_code: str,
    grantee_name: str,
    purpose: str,
    sections: list[str],
    score: bool,
    valid_from: dt.date,
    valid_to: dt.date,
    policy: Policy,
) -> Authorisation:
    """Record the subject's authorisation of a registered institution, for a purpose, a scope and a term.

    The caller has resolved ``grantee_code`` in the institutions register (``finance.consent``); a
    consent never names a party by free text (《征信业管理条例》第十四条：约定用途的书面同意).
    """
    if principal.subject_id is None:
        raise Forbidden("只有信用主体本人可以授权", code="consent.not_subject")
    if not grantee_code or not purpose.strip():
        raise Invalid("须从名录中选择被授权机构并写明查询用途", code="consent.incomplete")
    if not sections and not score:
        raise Invalid("授权范围至少包括一个信用档案栏目或信用评分", code="consent.empty_scope")
    if valid_to < valid_from:
        raise Invalid("授权截止日期不能早于开始日期", code="consent.bad_period")
    if valid_to > latest_end(policy, valid_from):
        limit = access_policy(policy).authorisation_max_days
        raise Invalid(f"授权期限不得超过 {limit} 天", code="consent.too_long")
    row = Authorisation(
        subject_id=principal.subject_id,
        grantee_organisation=grantee_name,
        grantee_code=grantee_code,
        sections=list(sections),
        score=score,
        purpose=purpose.strip(),
        valid_from=valid_from,
        valid_to=valid_to,
        created_by=principal.actor,
    )
    session.add(row)
    session.flush()
    audit.append(
        session,
        actor=principal.actor,
        action="consent.grant",
        object_type="authorisation",
        object_id=row.id,
        detail={
            "subject_id": row.subject_id,
            "grantee": grantee_code,
            "grantee_name": grantee_name,
            "sections": list(sections),
            "score": score,
            "purpose": row.purpose,
            "valid_from": valid_from.isoformat(),
            "valid_to": valid_to.isoformat(),
        },
    )
    return row


IN_FORCE, NOT_YET = "有效", "未生效"


def status_of(row: Authorisation, today: dt.date) -> str:
    """Return an authorisation's state on ``today`` for people (无效、已撤销、已过期、未生效、有效)."""
    if row.invalid_reason is not None or row.grantee_code is None:
        return "无效"
    if row.revoked_at is not None:
        return "已撤销"
    if row.valid_to < today:
        return "已过期"
    if row.valid_from > today:
        return NOT_YET
    return IN_FORCE


@dataclass(frozen=True)
class GrantView:
    """An authorisation as its subject sees it on a day: its state and whether it can still be revoked."""

    row: Authorisation
    status: str
    in_force: bool
    revocable: bool


def views_of(session: Session, subject_id: int, today: dt.date) -> list[GrantView]:
    """Return a subject's authorisations on ``today``; one in force or not yet in force can be revoked."""
    out = []
    for row in of_subject(session, subject_id):
        status = status_of(row, today)
        out.append(GrantView(row, status, status == IN_FORCE, status in (IN_FORCE, NOT_YET)))
    return out


def revoke(session: Session, principal: Principal, authorisation_id: int) -> Authorisation:
    """Revoke one of the subject's own authorisations."""
    row = session.get(Authorisation, authorisation_id)
    if row is None or row.subject_id != principal.subject_id:
        raise NotFound("未找到该授权", code="consent.not_found")
    if row.revoked_at is not None:
        raise Conflict("该授权已撤销", code="consent.already_revoked")
    row.revoked_at = utcnow()
    row.revoked_by = principal.actor
    session.flush()
    audit.append(
        session,
        actor=principal.actor,
        action="consent.revoke",
        object_type="authorisation",
        object_id=row.id,
        detail={"subject_id": row.subject_id, "grantee": row.grantee_organisation},
    )
    return row


def of_subject(session: Session, subject_id: int) -> list[Authorisation]:
    """Return a subject's authorisations, newest first."""
    return list(
        session.scalars(
            select(Authorisation)
            .where(Authorisation.subject_id == subject_id)
            .order_by(Authorisation.id.desc())
        )
    )


def _in_force(subject_id: int, grantee_code: str, on: dt.date) -> Select[Authorisation]:
    return (
        select(Authorisation)
        .where(
            Authorisation.subject_id == subject_id,
            Authorisation.grantee_code == grantee_code,
            Authorisation.invalid_reason.is_(None),
            Authorisation.revoked_at.is_(None),
            Authorisation.valid_from <= on,
            Authorisation.valid_to >= on,
        )
        .order_by(Authorisation.id.desc())
    )


def valid_for(
    session: Session, subject_id: int, grantee_code: str | None, on: dt.date
) -> Authorisation | None:
    """Return the newest valid authorisation of the institution ``grantee_code`` for the subject on ``on``."""
    if not grantee_code:
        return None
    return session.scalar(_in_force(subject_id, grantee_code, on).limit(1))


def grant_of(row: Authorisation) -> Grant:
    """Return what an authorisation gives its institution."""
    return Grant(id=row.id, purpose=row.purpose, sections=frozenset(row.sections or ()), score=row.score)


def grant_for(session: Session, subject_id: int, principal: Principal, on: dt.date) -> Grant | None:
    """Return what the caller's institution holds from the subject on ``on`` (``None``: no valid consent).

    Several authorisations in force add up (each is the subject's written consent); the newest names the
    purpose and is the reference the query log records.
    """
    if principal.subject_id == subject_id or not principal.institution_code:
        return None
    rows = session.scalars(_in_force(subject_id, principal.institution_code, on)).all()
    if not rows:
        return None
    return Grant(
        id=rows[0].id,
        purpose=rows[0].purpose,
        sections=frozenset(s for r in rows for s in (r.sections or ())),
        score=any(r.score for r in rows),
    )


def log_read(
    session: Session,
    principal: Principal,
    *,
    subject_id: int,
    access: ReadAccess,
    what: str,
    items: int,
    policy: Policy,
    on: dt.date,
) -> QueryLog | None:
    """Write the query-log entry and the audit row of a non-public read (nothing for public reads)."""
    if not access.logged:
        return None
    entry = QueryLog(
        actor=principal.actor,
        role=principal.role.value,
        organisation=principal.organisation,
        subject_id=subject_id,
        what=what,
        purpose=access.purpose,
        basis=access.basis.value,
        basis_ref=access.basis_ref,
        items=items,
        keep_until=query_log_keep_until(policy, on),
    )
    session.add(entry)
    session.flush()
    audit.append(
        session,
        actor=principal.actor,
        action="file.read",
        object_type="subject",
        object_id=subject_id,
        detail={
            "what": what,
            "audience": access.audience.value,
            "basis": access.basis.value,
            "basis_ref": access.basis_ref,
            "purpose": access.purpose,
            "items": items,
            "query_log_id": entry.id,
        },
    )
    return entry


def queries_of(
    session: Session, subject_id: int, *, limit: int = 50, offset: int = 0, include_self: bool = False
) -> tuple[int, list[QueryLog]]:
    """Return who read the subject's non-public information (谁查询了我), newest first, with the total."""
    where = [QueryLog.subject_id == subject_id]
    if not include_self:
        where.append(or_(QueryLog.basis != "self"))
    total = session.scalar(select(func.count()).select_from(QueryLog).where(*where)) or 0
    rows = session.scalars(
        select(QueryLog)
        .where(*where)
        .order_by(QueryLog.occurred_at.desc(), QueryLog.id.desc())
        .limit(limit)
        .offset(offset)
    ).all()
    return total, list(rows)


# The query log's bulk writer, for set-based reads that log one row per subject (the sanctions check).
READ_LOG_COLUMNS = (
    "occurred_at",
    "actor",
    "role",
    "organisation",
    "subject_id",
    "what",
    "purpose",
    "basis",
    "basis_ref",
    "items",
    "keep_until",
)
READ_LOG = PreparedInsert(cast(Table, QueryLog.__table__), READ_LOG_COLUMNS)


def purge_query_logs(session: Session, on: dt.date, *, dry_run: bool) -> int:
    """Delete the query logs past their own end of retention (``keep_until`` before ``on``); return how many.

    ``dry_run`` only counts. The caller writes the audit entry.
    """
    stale = QueryLog.keep_until < on
    count = len(list(session.scalars(select(QueryLog.id).where(stale))))
    if count and not dry_run:
        session.execute(delete(QueryLog).where(stale))
    return count
