"""Group commit of check logs for the async endpoint.

Every check is answered only after its log row, hits, delivered records and audit entry are committed;
concurrent checks that arrive while a batch is being written share the next commit, so logging costs one
transaction per batch instead of one per request. The batch is written on the runtime's held hot-path
connection (``Runtime.read_connection``), the one the checks read on, in the event loop's thread: on
SQLite a write from any *other* connection makes the reader drop its page cache, which tripled the cost
of every check's lookups (measured with ``benchmarks/check.py``); the WAL checkpoints run in a background
thread instead of in these commits, and when the log has grown long the writer holds its commits back
while a worker thread checkpoints the rest, so that the next commit restarts it (``db.WalCheckpointer``).
A connection that fails is dropped by ``read_connection`` and the next batch opens a fresh one. The
drain task ends when nothing is pending (no task outlives its event loop).
"""

from __future__ import annotations

import asyncio
import logging

from xinyong.db import writing_engine
from xinyong.runtime import Runtime
from xinyong.sanctions.service import LogEntry, persist

log = logging.getLogger(__name__)

# Commits are at least this far apart: at a steady moderate rate (2,000 checks/s arriving one by one) a
# commit per check cost 205 µs of CPU per check against 83 µs in batches of five (``benchmarks/check.py``).
# Under saturation batches are large and commits further apart than this, so nothing waits.
MIN_COMMIT_INTERVAL_S = 0.002


class CheckLogWriter:
    """Collect log entries from concurrent requests and write them in shared transactions."""

    def __init__(self, runtime: Runtime) -> None:
        self._runtime = runtime
        self._pending: list[tuple[LogEntry, asyncio.Future[None]]] = []
        self._task: asyncio.Task[None] | None = None
        self._last_commit = 0.0
        self.batches = 0  # counters for monitoring: commits and entries written
        self.entries = 0

    def submit(self, entry: LogEntry) -> asyncio.Future[None]:
        """Queue ``entry``; the returned future is done once it is committed (failed if its batch failed)."""
        loop = asyncio.get_running_loop()
        done: asyncio.Future[None] = loop.create_future()
        self._pending.append((entry, done))
        if self._task is None or self._task.done():
            self._task = loop.create_task(self._drain())
        return done

    def _write(self, entries: list[LogEntry]) -> None:
        shared = self._runtime.session_bind()
        if shared is not None:  # tests: a savepoint in the transaction the sessions share
            with shared.begin_nested():
                persist(shared, entries)
            return
        # Its own connection, taking the write lock at BEGIN (IMMEDIATE) and waiting for it in a worker
        # thread: a writer elsewhere (an ingest, a request) delays the commit, never the event loop.
        with writing_engine(self._runtime.engine).begin() as conn:
            persist(conn, entries)

    async def _drain(self) -> None:
        await asyncio.sleep(0)  # let requests already in flight join the first batch
        while self._pending:
            loop = asyncio.get_running_loop()
            gap = self._last_commit + MIN_COMMIT_INTERVAL_S - loop.time()
            if gap > 0:  # the last commit was just now: let more checks join this one
                await asyncio.sleep(gap)
            if self._runtime.wal_catch_up_wanted():  # the WAL is long: no commit until it is checkpointed
                try:
                    await asyncio.to_thread(self._runtime.catch_up_wal)
                except Exception:  # a failed checkpoint costs a longer log, never a check
                    log.warning("WAL catch-up failed", exc_info=True)
            batch, self._pending = self._pending, []
            entries = [entry for entry, _ in batch]
            try:
                if self._runtime.session_bind() is not None:
                    self._write(entries)
                else:
                    await asyncio.to_thread(self._write, entries)
            except Exception as exc:  # every waiting request sees the failure
                for _, fut in batch:
                    if not fut.done():
                        fut.set_exception(exc)
            else:
                self._last_commit = asyncio.get_running_loop().time()
                self.batches += 1
                self.entries += len(batch)
                for _, fut in batch:
                    if not fut.done():
                        fut.set_result(None)
            await asyncio.sleep(0)
