"""What happens after a workflow changed a record: the seam for everyone else.

A repair or an objection changes a record only by appending ``record_event`` rows
(``records.events.append_event``) or a new record version; every reader — disclosure, evaluation,
checks — derives from them, so the change is in force everywhere at once. After appending, the workflow
calls ``record_changed`` (in the same transaction), which:

1. queues a notice to every party that received the record in the look-back window (outbox), and
2. calls the hooks added with ``register`` (by ``xinyong.wiring`` at the entry layer, in order) — e.g.
   evaluation re-scores the subject (Order 36: evaluation results are updated).
   A hook is ``fn(session, change) -> None`` or, when it needs the rules and the clock,
   ``fn(session, change, *, policy, now) -> None``; it runs inside the caller's transaction, so the
   repair and its consequences commit or roll back together. The reacting capabilities register
   themselves from above, so this package imports none of them.
"""

from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from xinyong.outbox import service as outbox_service
from xinyong.policy.loader import Policy

Hook = Callable[..., None]  # fn(session, change) or fn(session, change, *, policy, now)
_registered: list[Hook] = []


@dataclass(frozen=True)
class RecordChange:
    """A change a workflow made to a record."""

    record_id: int
    record_key: str
    subject_id: int
    kinds: tuple[str, ...]
    effective_on: dt.date
    source_type: str
    source_id: int
    reason: str
    actor: str
    new_record_id: int | None = None
    detail: dict[str, Any] = field(default_factory=dict)


def register(hook: Hook) -> Callable[[], None]:
    """Add a hook for record changes (once: adding it again changes nothing); return a function that removes it."""
    if hook not in _registered:
        _registered.append(hook)
    return lambda: _registered.remove(hook) if hook in _registered else None


def hooks() -> list[Hook]:
    """Return the registered hooks, in the order they were added."""
    return list(_registered)


def record_changed(session: Session, policy: Policy, change: RecordChange, *, now: dt.datetime) -> int:
    """Tell recipients and hooks about a change; return how many notices were queued."""
    queued = outbox_service.notify_record_change(
        session,
        policy,
        record_key=change.record_key,
        topic="record.changed",
        idempotency_base=f"{change.source_type}:{change.source_id}:{'+'.join(change.kinds)}",
        payload={
            "record_id": change.record_id,
            "new_record_id": change.new_record_id,
            "changes": list(change.kinds),
            "effective_on": change.effective_on.isoformat(),
            "source": {"type": change.source_type, "id": change.source_id},
            "reason": change.reason,
            **change.detail,
        },
        now=now,
    )
    for hook in hooks():
        if _wants_context(hook):
            hook(session, change, policy=policy, now=now)
        else:
            hook(session, change)
    return queued


def _wants_context(hook: Hook) -> bool:
    """Tell whether a hook takes ``policy`` and ``now`` (the newer signature) or only the change."""
    try:
        params = inspect.signature(hook).parameters
    except (TypeError, ValueError):  # a builtin without a signature: the plain form
        return False
    return "policy" in params or any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())
