"""What runs in the ingest's transaction after a batch is stored, registered by the capabilities above it.

Ingest sits below repair (departments feed records; workflows act on them), so it names no capability that
reacts to a batch: they ``register`` from above (``xinyong.wiring``, like ``outbox.changes``). The first is 两书同达: the repair notices of a batch's new
penalties and listings go out with the decision. A hook is ``fn(session, policy, *, batch_id, actor) -> int``
and returns how many notices it issued.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from xinyong.policy.loader import Policy

BatchHook = Callable[..., int]
_registered: list[BatchHook] = []


def register(hook: BatchHook) -> None:
    """Add a hook for stored batches (once: adding it again changes nothing)."""
    if hook not in _registered:
        _registered.append(hook)


def hooks() -> list[BatchHook]:
    """Return the registered hooks, in the order they were added."""
    return list(_registered)


def batch_stored(session: Session, policy: Policy, *, batch_id: int, actor: str) -> int:
    """Run every hook for a stored batch; return how many notices they issued together."""
    return sum(hook(session, policy, batch_id=batch_id, actor=actor) for hook in hooks())
