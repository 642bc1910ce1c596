"""Set-based SQL of 归集: keyed look-ups of subjects and names (dialect differences live here)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pyarrow as pa
from sqlalchemy import Connection, select

from xinyong.subjects.models import Subject, SubjectIdentifier

MAX_PARAMS = 30_000


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


def _chunks(values: list[str], size: int = MAX_PARAMS) -> Iterable[list[str]]:
    for i in range(0, len(values), size):
        yield values[i : i + size]


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
