"""Request dependencies shared by every router: the runtime and a request-owned session."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from xinyong.clock import Clock
from xinyong.db import committing, reading_session, utcnow, writer_session
from xinyong.runtime import Runtime


def get_runtime(request: Request) -> Runtime:
    """Return the runtime of the app serving ``request``."""
    runtime: Runtime = request.app.state.runtime
    return runtime


def is_write(request: Request) -> bool:
    """Tell whether a request changes state: anything but GET/HEAD/OPTIONS.

    Its transaction takes SQLite's write lock when it begins (``db.writer_session``): what it reads
    (an account, a workflow's state, the audit chain's head) cannot change before it writes. A GET
    reads without the lock and takes it only if it appends a log (``db.reading_session``).
    """
    return request.method not in ("GET", "HEAD", "OPTIONS")


def get_session(request: Request) -> Iterator[Session]:
    """Yield a session for one request; commit on success, roll back on error.

    Always depend on it through :data:`DbSession` (``scope="function"``): the commit then runs before the
    response is sent, so a client that follows a redirect at once reads what the request wrote, and a
    failed commit becomes an error response instead of a lost write after a 200/303.
    """
    runtime = get_runtime(request)
    session = writer_session(runtime.sessions) if is_write(request) else reading_session(runtime.sessions)
    with committing(session):
        yield session


def request_now() -> dt.datetime:
    """Return the current instant (tests override this dependency with a fixed one)."""
    return utcnow()


def get_clock(runtime: Runtime = Depends(get_runtime), now: dt.datetime = Depends(request_now)) -> Clock:
    """Return the request's clock: its instant, the runtime's business date and the policy's working days."""
    return Clock(now=now, today=runtime.today(now), calendar=runtime.policy.calendar)


DbSession = Annotated[Session, Depends(get_session, scope="function")]
"""The request's session, committed before the response is sent (see :func:`get_session`)."""

AppRuntime = Annotated[Runtime, Depends(get_runtime)]
"""The runtime of the app serving the request."""
