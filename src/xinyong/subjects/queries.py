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

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from xinyong.kit.text import normalize_name
from xinyong.subjects.models import Subject, SubjectKind

MIN_QUERY_CHARS = 2
_COLS = "SELECT s.id, s.name_norm "
_SQLITE_TRI = _COLS + (
    "FROM search_subject_tri f JOIN subject s ON s.id = f.rowid WHERE search_subject_tri MATCH :m LIMIT :cap"
)
# Two characters: the bigram table narrows, ``instr`` confirms (punctuation splits bigram tokens).
_SQLITE_BI = _COLS + (
    "FROM search_subject_bi f JOIN subject s ON s.id = f.rowid "
    "WHERE search_subject_bi MATCH :m AND instr(s.name_norm, :q) > 0 LIMIT :cap"
)
_LIKE = _COLS + "FROM subject s WHERE s.name_norm LIKE :like ESCAPE '\\' LIMIT :cap"


# Same statement as migration 0004_files creates; used to pause indexing during bulk loads.
_INSERT_TRIGGER = (
    "CREATE TRIGGER IF NOT EXISTS search_subject_ai AFTER INSERT ON subject BEGIN "
    "INSERT INTO search_subject_tri(rowid, name) VALUES (new.id, new.name_norm); "
    "INSERT INTO search_subject_bi(rowid, grams) SELECT new.id, group_concat(substr(new.name_norm, n, 2), ' ') "
    "FROM search_numbers WHERE n < length(new.name_norm); END"
)
_REBUILD = (
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
            session.execute(text(_INSERT_TRIGGER))
            for statement in _REBUILD:
                session.execute(text(statement))


@dataclass(frozen=True)
class NameHit:
    """A subject found by name (before ranking)."""

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


def name_candidates(
    session: Session, query: str, *, include_persons: bool, cap: int
) -> list[tuple[int, str]]:
    """Return (id, normalised name) of up to ``cap`` subjects whose name contains ``query``, ranked.

    Rank: the exact name first, then names starting with the query, then shorter names; ties by id.
    """
    q = normalize_name(query)
    if len(q) < MIN_QUERY_CHARS:
        return []
    dialect = session.get_bind().dialect.name
    params: dict[str, object] = {
        "cap": cap,
        "person": SubjectKind.NATURAL_PERSON.value,
        "m": _phrase(q),
        "q": q,
    }
    if dialect == "sqlite":
        sql = _SQLITE_TRI if len(q) >= 3 else _SQLITE_BI
    else:
        sql = _LIKE
        params["like"] = f"%{_like_escape(q)}%"
    if not include_persons:
        sql = sql.replace("LIMIT :cap", "AND s.kind != :person LIMIT :cap")
    found: dict[int, str] = {r[0]: r[1] for r in session.execute(text(sql), params)}
    # Names starting with the query rank first: fetch them through the name index whatever the cap cut.
    prefix = select(Subject.id, Subject.name_norm).where(
        Subject.name_norm >= q, Subject.name_norm < q + "\U0010ffff"
    )
    if not include_persons:
        prefix = prefix.where(Subject.kind != SubjectKind.NATURAL_PERSON.value)
    found.update({r[0]: r[1] for r in session.execute(prefix.limit(cap)) if r[1].startswith(q)})
    rows = list(found.items())
    rows.sort(key=lambda r: (0 if r[1] == q else 1 if r[1].startswith(q) else 2, len(r[1]), r[0]))
    return rows


_HITS = select(
    Subject.id,
    Subject.name,
    Subject.name_norm,
    Subject.kind,
    Subject.uscc,
    Subject.region_code,
    Subject.status,
)


def hits(session: Session, ids: list[int]) -> list[NameHit]:
    """Return the listed subjects' search fields, in the given order."""
    if not ids:
        return []
    found = {row[0]: NameHit(*row) for row in session.execute(_HITS.where(Subject.id.in_(ids)))}
    return [found[i] for i in ids if i in found]


def by_ids(session: Session, ids: list[int]) -> list[Subject]:
    """Return subjects by id, in the given order."""
    found = {s.id: s for s in session.scalars(select(Subject).where(Subject.id.in_(ids)))}
    return [found[i] for i in ids if i in found]
