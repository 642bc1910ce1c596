"""Prepared statements for the check's hot path, executed on the driver connection.

A single check runs three short indexed reads. Through SQLAlchemy's execution machinery each costs
about ten times the database's own work, so :class:`Prepared` compiles a Core statement once per
dialect (the SQL text comes from SQLAlchemy's compiler, never from string assembly) and then runs it
with the DB-API cursor of the caller's connection, applying the column types' result processors.
This is the one place that touches the driver directly; batches keep using ordinary Core execution.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Select, Table, bindparam, insert
from sqlalchemy.orm import Session

Processor = Callable[[Any], Any] | None
_Entry = tuple[str, tuple[str, ...] | None, list[Any], dict[str, Any]]


class Prepared:
    """A Core ``SELECT`` compiled once per dialect and executed on the driver cursor."""

    def __init__(self, statement: Select[Any]) -> None:
        self.statement = statement
        self._compiled: dict[str, _Entry] = {}

    def _compile(self, conn: Connection) -> _Entry:
        dialect = conn.dialect
        entry = self._compiled.get(dialect.name)
        if entry is None:
            compiled = self.statement.compile(dialect=dialect)
            order = tuple(compiled.positiontup) if compiled.positiontup is not None else None
            procs = [
                col.type.dialect_impl(dialect).result_processor(dialect, None)
                for col in self.statement.selected_columns
            ]
            # values bound in the statement itself (a literal, a LIMIT) are passed along with the caller's
            entry = (compiled.string, order, list(procs), dict(compiled.params))
            self._compiled[dialect.name] = entry
        return entry

    def all(self, conn: Connection, params: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        """Run the statement in ``conn``'s transaction and return processed rows."""
        sql, order, procs, fixed = self._compile(conn)
        if fixed:
            params = {**fixed, **params}
        cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        try:
            cursor.execute(sql, [params[k] for k in order] if order is not None else dict(params))
            rows = cursor.fetchall()
        finally:
            cursor.close()
        return _processed(rows, procs)


Reader = Session | Connection


def connection_of(db: Reader) -> Connection:
    """Return the connection of a session, or the connection itself.

    The check's read path runs on a bare ``Connection`` (no ORM session: its transaction bookkeeping
    cost more than the check's queries); other callers pass their session.
    """
    return db if isinstance(db, Connection) else db.connection()


class PreparedInsert:
    """An ``INSERT`` of fixed columns, compiled once per dialect and run with the driver's ``executemany``.

    Values pass through the columns' bind processors (JSON, dates, the project's type decorators), as
    SQLAlchemy would apply them; for group-committed hot-path logs, where Core's per-row parameter
    handling cost more than the database's own work.
    """

    def __init__(self, table: Table, columns: Sequence[str]) -> None:
        self.table = table
        self.columns = tuple(columns)
        self._compiled: dict[str, tuple[str, tuple[str, ...] | None, list[Processor]]] = {}

    def _compile(self, conn: Connection) -> tuple[str, tuple[str, ...] | None, list[Processor]]:
        dialect = conn.dialect
        entry = self._compiled.get(dialect.name)
        if entry is None:
            stmt = insert(self.table).values({c: bindparam(c) for c in self.columns})
            compiled = stmt.compile(dialect=dialect)
            procs: list[Processor] = [
                self.table.c[c].type.dialect_impl(dialect).bind_processor(dialect) for c in self.columns
            ]
            order = tuple(compiled.positiontup) if compiled.positiontup is not None else None
            entry = (compiled.string, order, procs)
            self._compiled[dialect.name] = entry
        return entry

    def many(self, conn: Connection, rows: Sequence[Sequence[Any]]) -> None:
        """Insert ``rows`` (values in ``columns`` order) in ``conn``'s transaction."""
        if not rows:
            return
        sql, order, procs = self._compile(conn)
        width = len(self.columns)
        if any(len(row) != width for row in rows):
            raise ValueError(f"每行须有 {width} 个值（{', '.join(self.columns)}）")
        cooked = _processed(rows, procs)
        if order is None:  # named parameters (PostgreSQL's drivers)
            params: list[Any] = [dict(zip(self.columns, row, strict=True)) for row in cooked]
        elif order == self.columns:
            params = cooked
        else:
            index = [self.columns.index(name) for name in order]
            params = [tuple(row[i] for i in index) for row in cooked]
        _executemany(conn, sql, params)


def _processed(rows: Sequence[Sequence[Any]], procs: Sequence[Processor]) -> list[tuple[Any, ...]]:
    """Apply the non-empty processors to their columns (``None`` values pass through)."""
    active = [(i, p) for i, p in enumerate(procs) if p is not None]
    if not active:
        return [tuple(r) for r in rows]
    out = []
    # a batch repeats the same instants and dates in every row (a check's query-log rows): process each once
    seen: dict[tuple[int, Any], Any] = {}
    for row in rows:
        values = list(row)
        for i, p in active:
            v = values[i]
            if v is None:
                continue
            if type(v) in _REPEATED:
                key = (i, v)
                cooked = seen.get(key, _MISSING)
                if cooked is _MISSING:
                    cooked = seen[key] = p(v)
                values[i] = cooked
            else:
                values[i] = p(v)
        out.append(tuple(values))
    return out


_REPEATED = frozenset({dt.datetime, dt.date})
_MISSING = object()


def _executemany(conn: Connection, sql: str, params: list[Any]) -> None:
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.executemany(sql, params)
    finally:
        cursor.close()
