"""Request dependencies shared by every router: the runtime and a request-owned session."""

from __future__ import annotations

from collections.abc import Iterator

from fastapi import Request
from sqlalchemy.orm import Session

from xinyong.db import writer_session
from xinyong.runtime import Runtime


def get_runtime(request: Request) -> Runtime:
    """Return the runtime of the app serving ``request``."""
    runtime: Runtime = request.app.state.runtime
    return runtime


def may_write(request: Request) -> bool:
    """Tell whether a request may write: any but an anonymous GET/HEAD (signed-in reads are audited).

    Its transaction then takes SQLite's write lock when it begins (``db.writer_session``), so the audit
    append's read of the chain head and its insert never meet another writer in between.
    """
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        return True
    return bool(request.headers.get("authorization") or request.headers.get("cookie"))


def get_session(request: Request) -> Iterator[Session]:
    """Yield a session for one request; commit on success, roll back on error.

    Always depend on it as ``Depends(get_session, scope="function")``: the commit then runs before the
    response is sent, so a client that follows a redirect at once reads what the request wrote, and a
    failed commit becomes an error response instead of a lost write after a 200/303.
    """
    runtime = get_runtime(request)
    session = writer_session(runtime.sessions) if may_write(request) else runtime.sessions()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
