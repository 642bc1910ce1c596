"""Select builders for subjects, with the dialect-specific name search behind one function.

SQLite: an FTS5 trigram table answers substrings of three or more characters; two-character
queries (宏达) go to a second FTS5 table holding each name's bigrams as tokens, because SQLite 3.40's
trigram ``LIKE`` silently returns nothing for them. PostgreSQL: ``LIKE`` on ``name_norm`` served by a
pg_trgm GIN index. Both tables and the index are created by migration ``0004_files``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from xinyong.kit.text import normalize_name
from xinyong.subjects.models import IdentifierScheme, SubjectIdentifier, SubjectKind

MIN_QUERY_CHARS = 2
# Each statement ranks the subjects whose name contains the query — 0 the exact name, 1 a name
# starting with it, 2 any other; then shorter names, then by id — keeps the best :cap, and returns the
# window :offset/:size of them with the hit's columns and how many matched (at most 2 x :cap). The
# name index hands over at most :cap matches (a fragment such as 有限公司 matches most of the city:
# nothing counts or sorts them all), and names starting with the query come through the name_norm
# index, so the best-ranked hits are never cut off by the cap. Only the window's rows are read in
# full. ``:excluded`` is 自然人 for callers who may not see persons, else an empty string (no subject
# has that kind). Each statement is written out in full: no SQL is assembled at run time.
_SQLITE_TRI = (
    "SELECT s.id, s.name, s.name_norm, s.kind, s.uscc, s.region_code, s.status, r.matched FROM ("
    "SELECT id, rank, len, count(*) OVER () AS matched FROM ("
    "SELECT * FROM (SELECT s.id, CASE WHEN s.name_norm = :q THEN 0 WHEN substr(s.name_norm, 1, :n) = :q "
    "THEN 1 ELSE 2 END AS rank, length(s.name_norm) AS len "
    "FROM search_subject_tri f JOIN subject s ON s.id = f.rowid "
    "WHERE search_subject_tri MATCH :m AND s.kind != :excluded LIMIT :cap) UNION "
    "SELECT * FROM (SELECT s.id, CASE WHEN s.name_norm = :q THEN 0 ELSE 1 END AS rank, "
    "length(s.name_norm) AS len FROM subject s "
    "WHERE s.name_norm >= :q AND s.name_norm < :q_end AND substr(s.name_norm, 1, :n) = :q "
    "AND s.kind != :excluded LIMIT :cap)) ORDER BY rank, len, id LIMIT :cap) AS r "
    "JOIN subject s ON s.id = r.id ORDER BY r.rank, r.len, r.id LIMIT :size OFFSET :offset"
)
# Two characters: the bigram table narrows, ``instr`` confirms (punctuation splits bigram tokens).
_SQLITE_BI = (
    "SELECT s.id, s.name, s.name_norm, s.kind, s.uscc, s.region_code, s.status, r.matched FROM ("
    "SELECT id, rank, len, count(*) OVER () AS matched FROM ("
    "SELECT * FROM (SELECT s.id, CASE WHEN s.name_norm = :q THEN 0 WHEN substr(s.name_norm, 1, :n) = :q "
    "THEN 1 ELSE 2 END AS rank, length(s.name_norm) AS len "
    "FROM search_subject_bi f JOIN subject s ON s.id = f.rowid "
    "WHERE search_subject_bi MATCH :m AND instr(s.name_norm, :q) > 0 AND s.kind != :excluded LIMIT :cap) "
    "UNION "
    "SELECT * FROM (SELECT s.id, CASE WHEN s.name_norm = :q THEN 0 ELSE 1 END AS rank, "
    "length(s.name_norm) AS len FROM subject s "
    "WHERE s.name_norm >= :q AND s.name_norm < :q_end AND substr(s.name_norm, 1, :n) = :q "
    "AND s.kind != :excluded LIMIT :cap)) ORDER BY rank, len, id LIMIT :cap) AS r "
    "JOIN subject s ON s.id = r.id ORDER BY r.rank, r.len, r.id LIMIT :size OFFSET :offset"
)
_PG = (
    "SELECT s.id, s.name, s.name_norm, s.kind, s.uscc, s.region_code, s.status, r.matched FROM ("
    "SELECT id, rank, len, count(*) OVER () AS matched FROM ("
    "SELECT * FROM (SELECT s.id, CASE WHEN s.name_norm = %(q)s THEN 0 WHEN left(s.name_norm, %(n)s) = %(q)s "
    "THEN 1 ELSE 2 END AS rank, length(s.name_norm) AS len FROM subject s "
    "WHERE s.name_norm LIKE %(like)s ESCAPE '\\' AND s.kind != %(excluded)s LIMIT %(cap)s) AS matched UNION "
    "SELECT * FROM (SELECT s.id, CASE WHEN s.name_norm = %(q)s THEN 0 ELSE 1 END AS rank, "
    "length(s.name_norm) AS len FROM subject s "
    "WHERE s.name_norm >= %(q)s AND s.name_norm < %(q_end)s AND left(s.name_norm, %(n)s) = %(q)s "
    "AND s.kind != %(excluded)s LIMIT %(cap)s) AS prefixed) AS found "
    "ORDER BY rank, len, id LIMIT %(cap)s) AS r "
    "JOIN subject s ON s.id = r.id ORDER BY r.rank, r.len, r.id LIMIT %(size)s OFFSET %(offset)s"
)


_BY_IDENTIFIER = (
    "SELECT s.id, s.name, s.name_norm, s.kind, s.uscc, s.region_code, s.status FROM subject_identifier i "
    "JOIN subject s ON s.id = i.subject_id WHERE i.scheme = :scheme AND i.lookup = :lookup"
)
_BY_IDENTIFIER_PG = (
    "SELECT s.id, s.name, s.name_norm, s.kind, s.uscc, s.region_code, s.status FROM subject_identifier i "
    "JOIN subject s ON s.id = i.subject_id WHERE i.scheme = %(scheme)s AND i.lookup = %(lookup)s"
)


# Same statement as migration 0004_files creates; used to pause indexing during bulk loads.
INSERT_TRIGGER = (
    "CREATE TRIGGER IF NOT EXISTS search_subject_ai AFTER INSERT ON subject BEGIN "
    "INSERT INTO search_subject_tri(rowid, name) VALUES (new.id, new.name_norm); "
    "INSERT INTO search_subject_bi(rowid, grams) SELECT new.id, group_concat(substr(new.name_norm, n, 2), ' ') "
    "FROM search_numbers WHERE n < length(new.name_norm); END"
)
REBUILD = (
    "DELETE FROM search_subject_tri",
    "DELETE FROM search_subject_bi",
    "INSERT INTO search_subject_tri(rowid, name) SELECT id, name_norm FROM subject",
    "INSERT INTO search_subject_bi(rowid, grams) SELECT s.id, (SELECT group_concat(substr(s.name_norm, n, 2), ' ') "
    "FROM search_numbers WHERE n < length(s.name_norm)) FROM subject s",
    "INSERT INTO search_subject_tri(search_subject_tri) VALUES('optimize')",
    "INSERT INTO search_subject_bi(search_subject_bi) VALUES('optimize')",
)


@contextmanager
def name_index_paused(session: Session) -> Iterator[None]:
    """Bulk-load subjects without per-row name indexing, then rebuild the index in one pass.

    Per-row trigger indexing costs about three times a bulk rebuild on SQLite; loaders of a whole
    register (hundreds of thousands of subjects) should insert inside this block. No-op elsewhere.
    """
    sqlite = session.get_bind().dialect.name == "sqlite"
    if sqlite:
        session.execute(text("DROP TRIGGER IF EXISTS search_subject_ai"))
    try:
        yield
    finally:
        if sqlite:
            session.execute(text(INSERT_TRIGGER))
            for statement in REBUILD:
                session.execute(text(statement))


@dataclass(frozen=True)
class Reader:
    """A driver connection for public reads that write nothing (no session, no transaction), and its
    dialect. Opening a session and its transaction costs about a tenth of a public search."""

    connection: Any
    dialect: str


# Where a search reads: the request's session (government callers: their reads are logged) or a Reader.
Db = Session | Reader


def _dialect(db: Db) -> str:
    return db.dialect if isinstance(db, Reader) else db.get_bind().dialect.name


@dataclass(frozen=True)
class NameHit:
    """A subject found by name: the fields a search hit shows."""

    id: int
    name: str
    name_norm: str
    kind: str
    uscc: str | None
    region_code: str | None
    status: str


def _phrase(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


def _like_escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def sqlite_name_query(
    q: str, *, include_persons: bool, cap: int, offset: int = 0, size: int = 20
) -> tuple[str, dict[str, object]]:
    """Return the SQLite statement and parameters finding names containing the normalised ``q``."""
    excluded = "" if include_persons else SubjectKind.NATURAL_PERSON.value
    params: dict[str, object] = {"m": _phrase(q), "q": q, "n": len(q), "q_end": q + "\U0010ffff"}
    params.update(excluded=excluded, cap=cap, offset=offset, size=size)
    return (_SQLITE_TRI if len(q) >= 3 else _SQLITE_BI), params


def find_by_name(
    db: Db, query: str, *, include_persons: bool, cap: int, offset: int = 0, size: int = 20
) -> tuple[list[NameHit], int]:
    """Return the window ``offset``/``size`` of the best ``cap`` subjects whose name contains ``query``,
    and how many matched (counted no further than about ``2 * cap``).

    Rank: the exact name, then names starting with the query, then shorter names; ties by id. One
    statement on the driver's cursor, no ORM objects: this is the hottest read of the public portal.
    """
    q = normalize_name(query)
    if len(q) < MIN_QUERY_CHARS:
        return [], 0
    sql, params = sqlite_name_query(q, include_persons=include_persons, cap=cap, offset=offset, size=size)
    if _dialect(db) != "sqlite":
        sql = _PG
        params["like"] = f"%{_like_escape(q)}%"
    rows = _fetch(db, sql, params)
    if not rows and (offset or size < 1):  # past the last page: count from the first row
        first = _fetch(db, sql, {**params, "offset": 0, "size": 1})
        return [], int(first[0][7]) if first else 0
    return [NameHit(*row[:7]) for row in rows], int(rows[0][7]) if rows else 0


def hit_by_identifier(db: Db, scheme: str, lookup: str) -> NameHit | None:
    """Return the search fields of the subject holding an identifier (by its stored lookup key)."""
    sqlite = _dialect(db) == "sqlite"
    rows = _fetch(db, _BY_IDENTIFIER if sqlite else _BY_IDENTIFIER_PG, {"scheme": scheme, "lookup": lookup})
    return NameHit(*rows[0]) if rows else None


def _fetch(db: Db, sql: str, params: dict[str, object]) -> list[tuple[Any, ...]]:
    """Run a read through the driver's cursor (no per-row ORM work)."""
    cursor = (db.connection if isinstance(db, Reader) else db.connection().connection).cursor()
    try:
        cursor.execute(sql, params)
        return list(cursor.fetchall())
    finally:
        cursor.close()


def person_masks(session: Session, ids: list[int]) -> dict[int, str | None]:
    """Return the masked ID-card numbers of the listed natural persons (never the clear number)."""
    if not ids:
        return {}
    rows = session.execute(
        select(SubjectIdentifier.subject_id, SubjectIdentifier.masked).where(
            SubjectIdentifier.subject_id.in_(ids), SubjectIdentifier.scheme == IdentifierScheme.ID_CARD.value
        )
    )
    return {row[0]: row[1] for row in rows}
