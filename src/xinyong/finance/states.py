"""The 信易贷 application workflow: submitted → 受理 → 放款 / 拒绝 (with a reason) — pure."""

from __future__ import annotations

import enum

from xinyong.errors import Conflict, Invalid


class Status(enum.StrEnum):
    """States of an application."""

    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    GRANTED = "granted"
    REJECTED = "rejected"


class Action(enum.StrEnum):
    """What the bank does to an application."""

    ACCEPT = "accept"
    GRANT = "grant"
    REJECT = "reject"


STATUS_LABELS = {
    Status.SUBMITTED: "已提交",
    Status.ACCEPTED: "已受理",
    Status.GRANTED: "已放款",
    Status.REJECTED: "已拒绝",
}
ACTION_LABELS = {Action.ACCEPT: "受理", Action.GRANT: "放款", Action.REJECT: "拒绝"}
_MOVES: dict[tuple[Status, Action], Status] = {
    (Status.SUBMITTED, Action.ACCEPT): Status.ACCEPTED,
    (Status.SUBMITTED, Action.REJECT): Status.REJECTED,
    (Status.ACCEPTED, Action.GRANT): Status.GRANTED,
    (Status.ACCEPTED, Action.REJECT): Status.REJECTED,
}


def actions(current: Status) -> tuple[Action, ...]:
    """Return what the bank may do to an application in ``current`` (none once granted or rejected)."""
    return tuple(action for (state, action) in _MOVES if state == current)


def move(current: Status, action: Action, reason: str | None) -> Status:
    """Return the state after ``action``; a refusal needs its reason; 放款 only after 受理."""
    target = _MOVES.get((current, action))
    if target is None:
        raise Conflict(
            f"申请当前为“{STATUS_LABELS[current]}”，不能执行该操作", code="application.bad_transition"
        )
    if target == Status.REJECTED and not (reason or "").strip():
        raise Invalid("拒绝申请须写明理由", code="application.reason_required")
    return target
