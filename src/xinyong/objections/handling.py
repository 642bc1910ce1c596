"""Handling an objection: accept (受理), extend, decide and apply the outcome; deadlines kept on the calendar.

The source department verifies within 5 working days of acceptance, extendable with a director's approval
to 20 in total. Outcomes change the record only by events or a new version: delete → ``deleted``;
correct / supplement → a new ``credit_record`` version superseding the old; stop disclosure →
``disclosure_stopped``; remove from the list → ``list_removed``; reject → nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.auth.principal import Principal
from xinyong.casework import service as casework
from xinyong.clock import due
from xinyong.errors import Invalid
from xinyong.objections.access import check_handler, get_objection
from xinyong.objections.marks import mark, open_on_record
from xinyong.objections.models import Objection
from xinyong.objections.states import OBJECTION
from xinyong.objections.versions import new_version
from xinyong.objections.workflow import ObjectionWorkflow, objection_rules
from xinyong.outbox import changes as effects
from xinyong.policy.loader import Policy
from xinyong.records.events import append_event, current_version, get_record
from xinyong.records.models import CreditRecord, RecordEventKind
from xinyong.records.service import serious_list_items

OUTCOME_EVENTS = {
    "delete": RecordEventKind.DELETED,
    "stop_disclosure": RecordEventKind.DISCLOSURE_STOPPED,
    "remove_from_list": RecordEventKind.LIST_REMOVED,
}
NEW_VERSION_OUTCOMES = ("correct", "supplement")


def _limits(rules: ObjectionWorkflow, obj: Objection) -> tuple[int, int]:
    if obj.stage == "review":
        return rules.review_decide_workdays, rules.review_max_workdays
    return rules.decide_workdays, rules.max_workdays


def _transition(session: Session, obj: Objection, action: str, actor: str, detail: dict[str, Any]) -> None:
    casework.transition(
        session,
        OBJECTION,
        obj,
        action,
        actor=actor,
        object_type="objection",
        detail={"stage": obj.stage, **detail},
    )


def accept_objection(
    session: Session,
    policy: Policy,
    principal: Principal,
    objection_id: int,
    *,
    now: dt.datetime,
    today: dt.date,
) -> Objection:
    """Accept (受理) and start the 5-working-day clock."""
    obj = get_objection(session, objection_id)
    check_handler(principal, obj)
    OBJECTION.next(obj.state, "accept")
    days, _ = _limits(objection_rules(policy), obj)
    obj.accepted_on, obj.accepted_at = today, now
    obj.decide_due_on = due(policy.calendar, today, days)
    _transition(session, obj, "accept", principal.actor, {"decide_due_on": obj.decide_due_on.isoformat()})
    return obj


def extend_objection(
    session: Session,
    policy: Policy,
    principal: Principal,
    objection_id: int,
    *,
    workdays: int,
    reason: str,
    approved_by: str,
) -> Objection:
    """Extend a complex case with a director's approval, up to the total the policy allows (20)."""
    obj = get_objection(session, objection_id)
    check_handler(principal, obj)
    OBJECTION.next(obj.state, "extend")
    if not reason.strip() or not approved_by.strip():
        raise Invalid("延长须写明理由和批准的负责人", code="objection.extension_incomplete")
    days, cap = _limits(objection_rules(policy), obj)
    total = days + obj.extended_workdays + workdays
    if workdays < 1 or total > cap:
        raise Invalid(
            f"延长后的处理期限合计不得超过 {cap} 个工作日（当前 {days + obj.extended_workdays} 个）",
            code="objection.extension_too_long",
        )
    assert obj.accepted_on is not None  # noqa: S101 - accepted cases have a date (state checked above)
    obj.extended_workdays += workdays
    obj.extension_reason = reason.strip()[:1000]
    obj.extension_approved_by = approved_by.strip()[:100]
    obj.decide_due_on = due(policy.calendar, obj.accepted_on, total)
    detail = {
        "workdays": workdays,
        "approved_by": obj.extension_approved_by,
        "decide_due_on": obj.decide_due_on.isoformat(),
    }
    _transition(session, obj, "extend", principal.actor, detail)
    return obj


def _check_decision(policy: Policy, obj: Objection, outcome: str, reason: str) -> str:
    """Refuse an unknown outcome or a missing reason; return the machine's action for ``outcome``."""
    rules = objection_rules(policy)
    if rules.outcome_label(outcome) is None:
        raise Invalid(
            "处理结果须为：" + "、".join(o.code for o in rules.outcomes), code="objection.bad_outcome"
        )
    if not reason.strip():
        raise Invalid("请写明处理理由", code="objection.reason_required")
    action = "reject" if outcome == "reject" else "resolve"
    OBJECTION.next(obj.state, action)
    return action


def _apply_outcome(
    session: Session,
    policy: Policy,
    obj: Objection,
    record: CreditRecord,
    corrections: dict[str, Any] | None,
    *,
    actor: str,
    now: dt.datetime,
    today: dt.date,
) -> list[str]:
    """Write the outcome to the record (a new version or an event); return the kinds of change made."""
    outcome = obj.outcome or ""
    if outcome in NEW_VERSION_OUTCOMES:
        new = new_version(session, policy, record, corrections or {}, now=now)
        obj.new_record_id = new.id
        obj.decision_detail = {"changes": corrections}
        return ["new_version"]
    if outcome in OUTCOME_EVENTS:
        append_event(
            session,
            record_id=record.id,
            kind=OUTCOME_EVENTS[outcome],
            effective_on=today,
            source_type="objection",
            source_id=obj.id,
            reason=obj.decision_reason,
            actor=actor,
            detail={"outcome": outcome},
            recorded_at=now,
        )
        return [OUTCOME_EVENTS[outcome]]
    return []


def decide_objection(
    session: Session,
    policy: Policy,
    principal: Principal,
    objection_id: int,
    *,
    outcome: str,
    reason: str,
    changes: dict[str, Any] | None,
    now: dt.datetime,
    today: dt.date,
) -> Objection:
    """Record the outcome with its reason and apply it to the record."""
    obj = get_objection(session, objection_id)
    check_handler(principal, obj)
    action = _check_decision(policy, obj, outcome, reason)
    record = current_version(session, get_record(session, obj.record_id))
    if outcome == "remove_from_list" and record.catalog_item not in serious_list_items(policy):
        raise Invalid("该记录不是严重失信名单信息，不能移出名单", code="objection.not_a_list")
    obj.outcome, obj.decision_reason = outcome, reason.strip()[:1000]
    obj.decided_on, obj.decided_at, obj.decided_by = today, now, principal.actor
    kinds = _apply_outcome(session, policy, obj, record, changes, actor=principal.actor, now=now, today=today)
    if outcome == "reject" and obj.stage == "first":
        obj.review_due_on = due(policy.calendar, today, objection_rules(policy).review_window_workdays)
    _transition(session, obj, action, principal.actor, {"outcome": outcome, "reason": obj.decision_reason})
    if open_on_record(session, obj.record_key) == 0:
        closed = {"outcome": outcome, "objection_id": obj.id, "new_record_id": obj.new_record_id}
        mark(session, obj, RecordEventKind.OBJECTION_CLOSED, today, principal.actor, closed)
    if kinds:
        change = effects.RecordChange(
            record_id=record.id,
            record_key=obj.record_key,
            subject_id=obj.subject_id,
            kinds=tuple(kinds),
            effective_on=today,
            source_type="objection",
            source_id=obj.id,
            reason=obj.decision_reason,
            actor=principal.actor,
            new_record_id=obj.new_record_id,
            detail={"outcome": outcome},
        )
        effects.record_changed(session, policy, change, now=now)
    return obj


def refresh_deadlines(session: Session, policy: Policy, *, actor: str, today: dt.date) -> int:
    """Recompute the running clocks of objections on the current calendar; return how many moved.

    Run by ``xinyong policy sync``: a deadline first computed on the provisional calendar is set right
    once the official schedule of its year is in ``policy/calendar/``. Passed deadlines stay as they were.
    """
    rules = objection_rules(policy)
    moved = 0
    rows = session.scalars(
        select(Objection).where(
            Objection.state.in_(OBJECTION.pending) | (Objection.review_due_on >= today),
        )
    ).all()
    for obj in rows:
        moves: dict[str, str] = {}
        if obj.state == "submitted" and obj.accept_due_on and obj.accept_due_on >= today:
            casework.shift(
                moves, obj, "accept_due_on", policy.calendar, obj.submitted_on, rules.accept_workdays
            )
        if obj.state == "accepted" and obj.accepted_on and obj.decide_due_on and obj.decide_due_on >= today:
            days = _limits(rules, obj)[0] + obj.extended_workdays
            casework.shift(moves, obj, "decide_due_on", policy.calendar, obj.accepted_on, days)
        if obj.decided_on and obj.review_due_on and obj.review_due_on >= today:
            window = rules.review_window_workdays
            casework.shift(moves, obj, "review_due_on", policy.calendar, obj.decided_on, window)
        moved += casework.deadlines_moved(
            session, OBJECTION, obj, moves, actor=actor, object_type="objection", policy_hash=policy.hash
        )
    session.flush()
    return moved
