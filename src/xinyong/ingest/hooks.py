"""What runs in the ingest's transaction after a batch is stored, registered by the capabilities above it.

Ingest sits below repair (departments feed records; workflows act on them), so it names no capability that
reacts to a batch: ``BATCH_STORED_HOOKS`` lists them as "module:function" (the pattern of
``outbox.changes.RECORD_CHANGE_HOOKS``). The first is 两书同达: the repair notices of a batch's new
penalties and listings go out with the decision. A hook is ``fn(session, policy, *, batch_id, actor) -> int``
and returns how many notices it issued.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from sqlalchemy.orm import Session

from xinyong.policy.loader import Policy

BATCH_STORED_HOOKS: tuple[str, ...] = ("xinyong.repair.notice_batch:notices_for_batch",)
BatchHook = Callable[..., int]


def hooks() -> list[BatchHook]:
    """Return the hooks of the registry, in order."""
    found: list[BatchHook] = []
    for spec in BATCH_STORED_HOOKS:
        module, _, name = spec.partition(":")
        found.append(getattr(importlib.import_module(module), name))
    return found


def batch_stored(session: Session, policy: Policy, *, batch_id: int, actor: str) -> int:
    """Run every hook for a stored batch; return how many notices they issued together."""
    return sum(hook(session, policy, batch_id=batch_id, actor=actor) for hook in hooks())
