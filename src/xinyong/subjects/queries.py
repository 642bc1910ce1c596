"""Select builders for subjects, with the dialect-specific name search behind one function.

SQLite: an FTS5 trigram table answers substrings of three or more characters; two-character
queries (宏达) go to a second FTS5 table holding each name's bigrams as tokens, because SQLite 3.40's
trigram ``LIKE`` silently returns nothing for them. PostgreSQL: ``LIKE`` on ``name_norm`` served by a
pg_trgm GIN index. Both tables and the index are created by migration ``0004_files``.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from xinyong.kit.text import normalize_name
from xinyong.subjects.models import Subject, SubjectKind

MIN_QUERY_CHARS = 2
_COLS = "SELECT s.id, s.name, s.name_norm, s.kind, s.uscc, s.region_code, s.status "
_SQLITE_TRI = _COLS + (
    "FROM search_subject_tri f JOIN subject s ON s.id = f.rowid WHERE search_subject_tri MATCH :m LIMIT :cap"
)
# Two characters: the bigram table narrows, ``instr`` confirms (punctuation splits bigram tokens).
_SQLITE_BI = _COLS + (
    "FROM search_subject_bi f JOIN subject s ON s.id = f.rowid "
    "WHERE search_subject_bi MATCH :m AND instr(s.name_norm, :q) > 0 LIMIT :cap"
)
_LIKE = _COLS + "FROM subject s WHERE s.name_norm LIKE :like ESCAPE '\\' LIMIT :cap"


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


def name_candidates(session: Session, query: str, *, include_persons: bool, cap: int) -> list[NameHit]:
    """Return up to ``cap`` subjects whose normalised name contains ``query`` (unranked)."""
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
    rows = session.execute(text(sql), params).all()
    return [NameHit(*row) for row in rows]


def rank_key(hit: NameHit, q: str) -> tuple[int, int, int]:
    """Rank: exact name first, then names starting with the query, then shorter names; ties by id."""
    norm = normalize_name(q)
    if hit.name_norm == norm:
        tier = 0
    elif hit.name_norm.startswith(norm):
        tier = 1
    else:
        tier = 2
    return (tier, len(hit.name_norm), hit.id)


def by_ids(session: Session, ids: list[int]) -> list[Subject]:
    """Return subjects by id, in the given order."""
    found = {s.id: s for s in session.scalars(select(Subject).where(Subject.id.in_(ids)))}
    return [found[i] for i in ids if i in found]
