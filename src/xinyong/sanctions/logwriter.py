"""Group commit of check logs for the async endpoint.

Every check is answered only after its log row, hits and audit entry are committed; concurrent checks
that arrive while a batch is being written share the next commit, so logging costs one transaction per
batch instead of one per request. The drain task ends when nothing is pending (no task outlives its
event loop).
"""

from __future__ import annotations

import asyncio

from sqlalchemy.orm import Session, sessionmaker

from xinyong.sanctions.service import LogEntry, persist


class CheckLogWriter:
    """Collect log entries from concurrent requests and write them in shared transactions."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions
        self._pending: list[tuple[LogEntry, asyncio.Future[None]]] = []
        self._task: asyncio.Task[None] | None = None
        self.batches = 0  # counters for monitoring: commits and entries written
        self.entries = 0

    async def write(self, entry: LogEntry) -> None:
        """Return once ``entry`` is committed (raise if its batch failed)."""
        loop = asyncio.get_running_loop()
        done: asyncio.Future[None] = loop.create_future()
        self._pending.append((entry, done))
        if self._task is None or self._task.done():
            self._task = loop.create_task(self._drain())
        await done

    async def _drain(self) -> None:
        await asyncio.sleep(0)  # let requests already in flight join the first batch
        while self._pending:
            batch, self._pending = self._pending, []
            try:
                with self._sessions() as session:
                    persist(session, [entry for entry, _ in batch])
                    session.commit()
            except Exception as exc:  # every waiting request sees the failure
                for _, fut in batch:
                    if not fut.done():
                        fut.set_exception(exc)
            else:
                self.batches += 1
                self.entries += len(batch)
                for _, fut in batch:
                    if not fut.done():
                        fut.set_result(None)
            await asyncio.sleep(0)
