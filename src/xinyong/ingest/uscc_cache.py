"""The register's USCC index kept between the files of one load, reloaded when the register changes.

A resolver reads every registered USCC (``queries.uscc_index``) before its batch; a load of many small
files (the demo: about 1,100 files of a few dozen rows) would read the whole register once per file.
:class:`UsccIndexCache` keeps the index for the files of one load and reloads it whenever the register's
token — the number of subjects, the highest id and the latest ``updated_at`` — differs from the one it
was read at: any subject added (also by an earlier file's resolver), removed or updated through the ORM
(which stamps ``updated_at``) changes the token. The token is read in the file's own transaction, so a
file that was rolled back leaves the token, and the kept index, as they were.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa
from sqlalchemy import Connection, func, select

from xinyong.ingest import queries
from xinyong.subjects.models import Subject

UsccIndex = tuple[pa.Array, pa.Array, pa.Array]


def register_token(conn: Connection) -> tuple[Any, ...]:
    """Return what changes whenever a subject is added, removed or updated."""
    row = conn.execute(select(func.count(), func.max(Subject.id), func.max(Subject.updated_at))).one()
    return tuple(row)


class UsccIndexCache:
    """The USCC index of the last token seen; ``get`` reloads it when the register changed."""

    def __init__(self) -> None:
        self._token: tuple[Any, ...] | None = None
        self._index: UsccIndex | None = None
        self.loads = 0

    def get(self, conn: Connection) -> UsccIndex:
        """Return the register's USCC index as ``queries.uscc_index`` does, read again only if it changed."""
        token = register_token(conn)
        if self._index is None or token != self._token:
            self._index, self._token = queries.uscc_index(conn), token
            self.loads += 1
        return self._index
