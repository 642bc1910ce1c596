"""Department feedback on check hits: executed, or why not (Regulation Art. 28 proportionality)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from xinyong.audit import service as audit
from xinyong.auth.principal import Principal, Role
from xinyong.db import utcnow
from xinyong.errors import Forbidden, Invalid, NotFound
from xinyong.sanctions.models import CheckHit, CheckLog


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
