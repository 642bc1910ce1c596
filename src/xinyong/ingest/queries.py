"""Set-based SQL of 归集: bulk inserts of tuples and keyed look-ups (dialect differences live here)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import Connection, select

from xinyong.records.models import CreditRecord
from xinyong.subjects.models import Subject, SubjectIdentifier

MAX_PARAMS = 30_000

RECORD_COLUMNS = (
    "record_key",
    "catalog_item",
    "catalog_version",
    "subject_id",
    "department_id",
    "document_no",
    "decision_on",
    "valid_from",
    "valid_to",
    "severity",
    "polarity",
    "payload",
    "content_hash",
    "version",
    "supersedes_id",
    "batch_id",
    "policy_hash",
    "first_received_at",
    "last_received_at",
)


def is_sqlite(conn: Connection) -> bool:
    """Tell whether the connection is SQLite."""
    return conn.dialect.name == "sqlite"


def tune_for_bulk(conn: Connection) -> None:
    """Give a bulk writer a larger page cache and no memory map (SQLite); a no-op elsewhere.

    A batch's inserts touch index pages all over a large file; read through the memory map they stay
    resident in the process (up to ``sqlite_mmap_mib``) for no gain to a writer, so the batch reads
    through its bounded page cache instead.
    """
    if is_sqlite(conn):
        conn.exec_driver_sql("PRAGMA cache_size=-65536")  # 64 MiB
        conn.exec_driver_sql("PRAGMA mmap_size=0")


def bulk_insert(conn: Connection, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Insert rows (tuples in ``columns`` order) with one ``executemany`` of the driver."""
    if not rows:
        return
    style = conn.dialect.paramstyle
    marks = ", ".join("?" if style == "qmark" else "%s" for _ in columns)
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"  # noqa: S608 - names are constants
    cursor = conn.connection.cursor()
    try:
        cursor.executemany(sql, rows if isinstance(rows, list) else list(rows))
    finally:
        cursor.close()


def date_values(conn: Connection, arr: pa.Array | None, n: int) -> list[Any]:
    """Return dates as the driver stores them (ISO text on SQLite, dates elsewhere)."""
    if arr is None:
        return [None] * n
    if is_sqlite(conn):
        return pc.cast(arr, pa.string()).to_pylist()  # type: ignore[no-any-return]
    return arr.to_pylist()  # type: ignore[no-any-return]


def timestamp_value(conn: Connection, at: dt.datetime) -> Any:
    """Return a UTC timestamp as the driver stores it (what ``UTCDateTime`` writes)."""
    if is_sqlite(conn):
        return at.astimezone(dt.UTC).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")
    return at


def _chunks(values: list[str], size: int = MAX_PARAMS) -> Iterable[list[str]]:
    for i in range(0, len(values), size):
        yield values[i : i + size]


def _marks(conn: Connection, n: int) -> str:
    return ", ".join(("?" if conn.dialect.paramstyle == "qmark" else "%s") for _ in range(n))


def latest_versions(conn: Connection, keys: Iterable[str]) -> dict[str, tuple[int, int, str]]:
    """Return record key → (id, version, content hash) of the newest version present."""
    out: dict[str, tuple[int, int, str]] = {}
    for part in _chunks(list(set(keys))):
        sql = (
            "SELECT record_key, id, version, content_hash FROM credit_record"  # noqa: S608 - placeholders only
            f" WHERE record_key IN ({_marks(conn, len(part))}) ORDER BY version"
        )
        cursor = conn.connection.cursor()
        try:
            cursor.execute(sql, tuple(part))
            for key, rid, version, chash in cursor.fetchall():
                out[key] = (rid, version, chash)
        finally:
            cursor.close()
    return out


def ids_of_versions(conn: Connection, pairs: Iterable[tuple[str, int]]) -> dict[tuple[str, int], int]:
    """Return (record key, version) → id for the given pairs."""
    wanted = set(pairs)
    out: dict[tuple[str, int], int] = {}
    for part in _chunks(sorted({k for k, _ in wanted})):
        rows = conn.execute(
            select(CreditRecord.record_key, CreditRecord.version, CreditRecord.id).where(
                CreditRecord.record_key.in_(part)
            )
        )
        for key, version, rid in rows:
            if (key, version) in wanted:
                out[(key, version)] = rid
    return out


def uscc_index(conn: Connection) -> tuple[pa.Array, pa.Array, pa.Array]:
    """Return every registered USCC with its subject id and normalised name, as Arrow arrays."""
    cursor = conn.connection.cursor()  # the driver's cursor: no per-row result processing
    parts: tuple[list[pa.Array], list[pa.Array], list[pa.Array]] = ([], [], [])
    try:
        cursor.execute("SELECT uscc, id, name_norm FROM subject WHERE uscc IS NOT NULL")
        while rows := cursor.fetchmany(50_000):  # a part at a time: few Python objects alive at once
            usccs, ids, names = zip(*rows, strict=True)
            parts[0].append(pa.array(usccs, pa.string()))
            parts[1].append(pa.array(ids, pa.int64()))
            parts[2].append(pa.array(names, pa.string()))
            del rows, usccs, ids, names
    finally:
        cursor.close()
    if not parts[0]:
        return pa.array([], pa.string()), pa.array([], pa.int64()), pa.array([], pa.string())
    return pa.concat_arrays(parts[0]), pa.concat_arrays(parts[1]), pa.concat_arrays(parts[2])


def subjects_by_identifier(
    conn: Connection, schemes: Sequence[str], lookups: Iterable[str]
) -> dict[str, int]:
    """Return identifier lookup → subject id for the given schemes."""
    out: dict[str, int] = {}
    for part in _chunks(sorted(set(lookups))):
        rows = conn.execute(
            select(SubjectIdentifier.lookup, SubjectIdentifier.subject_id).where(
                SubjectIdentifier.scheme.in_(schemes), SubjectIdentifier.lookup.in_(part)
            )
        )
        for lookup, sid in rows:
            out[lookup] = sid
    return out


def subjects_by_name(conn: Connection, names: Iterable[str]) -> dict[str, list[tuple[int, str | None, str]]]:
    """Return normalised name → [(subject id, region, kind)] for the given names."""
    out: dict[str, list[tuple[int, str | None, str]]] = {}
    for part in _chunks(sorted(set(names))):
        rows = conn.execute(
            select(Subject.name_norm, Subject.id, Subject.region_code, Subject.kind).where(
                Subject.name_norm.in_(part)
            )
        )
        for name, sid, region, kind in rows:
            out.setdefault(name, []).append((sid, region, kind))
    return out
