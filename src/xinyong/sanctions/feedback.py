"""Department feedback on check hits: executed, or why not (Regulation Art. 28 proportionality)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import case, func, select, update
from sqlalchemy.orm import Session

from xinyong.audit import service as audit
from xinyong.auth.principal import Principal, Role
from xinyong.db import utcnow
from xinyong.departments.models import Department
from xinyong.errors import Forbidden, Invalid, NotFound
from xinyong.kit.workdays import recomputed
from xinyong.policy.loader import Policy
from xinyong.sanctions.models import CheckHit, CheckLog
from xinyong.sanctions.rules import measures_of


@dataclass(frozen=True)
class FeedbackItem:
    """Feedback on one hit."""

    hit_no: int
    executed: bool
    reason: str | None = None


def get_log(session: Session, check_id: str) -> CheckLog:
    """Return a check log entry or raise ``NotFound``."""
    log = session.scalar(select(CheckLog).where(CheckLog.check_id == check_id))
    if log is None:
        raise NotFound("未找到该核查记录", code="check.not_found")
    return log


def record_feedback(
    session: Session, check_id: str, items: Sequence[FeedbackItem], principal: Principal
) -> dict[str, Any]:
    """Record, per hit, whether the department executed the measure or why not."""
    log = get_log(session, check_id)
    own = log.actor == principal.actor or (
        principal.department_id is not None and log.department_id == principal.department_id
    )
    if principal.role != Role.ADMIN and not own:
        raise Forbidden("只能反馈本部门的核查结果", code="check.not_own")
    if not items:
        raise Invalid("反馈不能为空", code="feedback.empty")
    wanted = {i.hit_no for i in items}
    hits = {
        h.hit_no: h
        for h in session.scalars(
            select(CheckHit).where(CheckHit.check_id == log.check_id, CheckHit.hit_no.in_(sorted(wanted)))
        )
    }
    missing = sorted(wanted - set(hits))
    if missing:
        raise Invalid("以下命中不属于本次核查", code="feedback.unknown_hit", hit_nos=missing)
    now = utcnow()
    for item in items:
        reason = (item.reason or "").strip() or None
        if not item.executed and reason is None:
            raise Invalid("未执行措施须说明理由", code="feedback.reason_required", hit_no=item.hit_no)
        hit = hits[item.hit_no]
        hit.feedback = "executed" if item.executed else "not_executed"
        hit.feedback_reason = reason
        hit.feedback_at = now
        hit.feedback_by = principal.actor
    session.flush()
    pending = session.scalar(
        select(func.count(CheckHit.id)).where(CheckHit.check_id == log.check_id, CheckHit.feedback.is_(None))
    )
    audit.append(
        session,
        actor=principal.actor,
        action="check.feedback",
        object_type="check",
        object_id=check_id,
        detail={
            "hits": sorted(wanted),
            "executed": sum(1 for i in items if i.executed),
            "not_executed": sum(1 for i in items if not i.executed),
        },
    )
    return {"check_id": check_id, "updated": len(items), "pending": int(pending or 0)}


def compliance(session: Session, on: dt.date, *, department_id: int | None = None) -> list[dict[str, Any]]:
    """Summarise hits, feedback given and feedback overdue per department."""
    given = func.count(CheckHit.feedback)
    executed = func.sum(case((CheckHit.feedback == "executed", 1), else_=0))
    overdue = func.sum(case(((CheckHit.feedback.is_(None)) & (CheckHit.due_on < on), 1), else_=0))
    mandatory_open = func.sum(case(((CheckHit.feedback.is_(None)) & CheckHit.mandatory, 1), else_=0))
    stmt = (
        select(
            Department.code,
            Department.name,
            func.count(CheckHit.id),
            given,
            executed,
            overdue,
            mandatory_open,
        )
        .select_from(CheckHit)
        .outerjoin(Department, Department.id == CheckHit.department_id)
        .group_by(Department.code, Department.name)
        .order_by(Department.code)
    )
    if department_id is not None:
        stmt = stmt.where(CheckHit.department_id == department_id)
    return [
        {
            "department": code,
            "department_name": name,
            "hits": hits,
            "feedback_given": int(fb or 0),
            "executed": int(ex or 0),
            "overdue": int(od or 0),
            "mandatory_without_feedback": int(mo or 0),
        }
        for code, name, hits, fb, ex, od, mo in session.execute(stmt)
    ]


def refresh_feedback_deadlines(session: Session, policy: Policy, *, actor: str, today: dt.date) -> int:
    """Recompute unanswered hits' feedback deadlines on the current calendar; return how many moved.

    Run by ``xinyong policy sync``: a deadline computed on the provisional calendar (or left empty by
    an older release that knew no calendar for its year) is set right once the official schedule is
    in ``policy/calendar/``. Deadlines already passed stay as they were.
    """
    workdays = measures_of(policy).rules.feedback_deadline_workdays
    pending = session.execute(
        select(CheckHit.check_id, CheckLog.checked_on, CheckHit.due_on)
        .join(CheckLog, CheckLog.check_id == CheckHit.check_id)
        .where(CheckHit.feedback.is_(None), (CheckHit.due_on.is_(None)) | (CheckHit.due_on >= today))
        .distinct()
    ).all()
    moved = 0
    for check_id, checked_on, stored in pending:
        new = recomputed(policy.calendar, checked_on, workdays, stored)
        if new is None:
            continue
        where = (CheckHit.check_id == check_id) & CheckHit.feedback.is_(None)
        where &= CheckHit.due_on.is_(None) if stored is None else CheckHit.due_on == stored
        moved += session.execute(update(CheckHit).where(where).values(due_on=new)).rowcount or 0  # type: ignore[attr-defined]
        audit.append(
            session,
            actor=actor,
            action="check.deadline_recomputed",
            object_type="check",
            object_id=check_id,
            detail={
                "from": stored.isoformat() if stored else None,
                "to": new.isoformat(),
                "policy_hash": policy.hash,
            },
        )
    session.flush()
    return moved
