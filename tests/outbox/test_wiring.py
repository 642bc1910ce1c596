"""``xinyong.wiring`` registers every capability's hooks once, however often an entry point installs it."""

from __future__ import annotations

from xinyong import wiring
from xinyong.ingest import hooks as ingest_hooks
from xinyong.outbox import changes


def test_install_registers_each_hook_once_in_order() -> None:
    wiring.install()
    wiring.install()
    record = [h for h in changes.hooks() if h in wiring.RECORD_CHANGE_HOOKS]
    batch = [h for h in ingest_hooks.hooks() if h in wiring.BATCH_STORED_HOOKS]
    assert record == list(wiring.RECORD_CHANGE_HOOKS)
    assert batch == list(wiring.BATCH_STORED_HOOKS)
