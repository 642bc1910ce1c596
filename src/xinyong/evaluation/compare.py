"""Two policies scored side by side on the same inputs: the batch's own set-based plan, run twice.

A policy simulation (``xinyong.simulation``) asks which subjects a proposed model or supervision rule
would move. It is answered by the evaluation batch itself (``batch.read_inputs`` → ``batch.load_duckdb``
→ ``batch.score`` with each policy's models in force), never by a second scorer: the inputs are read
once when both policies read them with the same statements, and the two result tables are joined in
DuckDB, where the transition counts and the changed cells are aggregated. Nothing is written.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from typing import Any

import duckdb
import pyarrow as pa
from sqlalchemy.orm import Session

from xinyong.evaluation import batch
from xinyong.evaluation.inputs import retention_rule
from xinyong.evaluation.loaders import MODELS, SUPERVISION
from xinyong.policy.loader import Policy
from xinyong.subjects.models import SubjectKind

UNRATED = ""  # no grade (no model in force, or not scored): the key the class map uses for it


@dataclass
class SideBySide:
    """The transitions of grade and class between two policies, per subject group, with examples.

    ``transitions``: (grade before, grade after, count) over every subject ('' = no grade);
    ``class_transitions``: the same for the default supervision classes ('' = no class);
    ``cells``: (region code, industry, kind, grade before, grade after, class before, class after, count,
    example subject ids) for the subjects whose grade or class changes; ``graded``: those subjects (every
    subject when asked) with their kind, region code, industry and (model, grade, class) before and after
    ('' = none), for the measures.
    """

    subjects: int
    transitions: list[tuple[str, str, int]]
    class_transitions: list[tuple[str, str, int]]
    cells: list[tuple[Any, ...]]
    graded: dict[int, tuple[str, str, str, tuple[str, str, str], tuple[str, str, str]]]
    reads: int = 1
    timings: dict[str, float] = field(default_factory=dict)


def class_map(policy: Policy, on: dt.date) -> pa.Table:
    """Return (kind, grade, class) of the default supervision rule in force on ``on`` ('' = unrated/none).

    The class of a grade is ``SupervisionRule.class_of`` (as ``inspections`` and the check apply it); a
    kind the rule does not cover gets no class.
    """
    rule = policy.section(SUPERVISION).default(on)
    grades = {b.grade for m in policy.section(MODELS).models for b in m.grades}
    rows: list[tuple[str, str, str]] = []
    for kind in SubjectKind:
        for grade in [UNRATED, *sorted(grades)]:
            covered = rule is not None and kind.value in rule.subject_kinds
            code = rule.class_of(grade or None).code if rule is not None and covered else UNRATED
            rows.append((kind.value, grade, code))
    kinds, grade_col, classes = zip(*rows, strict=True)
    return pa.table({"kind": list(kinds), "grade": list(grade_col), "class": list(classes)})


def _scored(con: duckdb.DuckDBPyConnection, policy: Policy, on: dt.date, name: str) -> None:
    """Score with the policy's models in force into table ``name`` (the batch's plan, unchanged)."""
    batch.score(con, policy.section(MODELS).in_force(on), on, retention_rule(policy))
    con.execute(f"ALTER TABLE ev_result RENAME TO {name}")


def _read(session: Session, policy: Policy, on: dt.date, sqlite_path: str | None) -> batch.RawInputs:
    models = policy.section(MODELS)
    if sqlite_path is not None:
        session.get_bind().dispose()  # type: ignore[union-attr]  # see evaluation.service._read
        return batch.read_inputs_file(sqlite_path, policy, models, on)
    return batch.read_inputs(session.connection(), policy, models, on)


def _same_reads(dialect: str, before: Policy, after: Policy, on: dt.date) -> bool:
    """Tell whether both policies read the system of record with the very same statements."""
    return batch._sqls(dialect, before, before.section(MODELS), on) == batch._sqls(
        dialect, after, after.section(MODELS), on
    )


def score_both(
    session: Session,
    before: Policy,
    after: Policy,
    on: dt.date,
    *,
    sqlite_path: str | None = None,
    threads: int | None = None,
    every: bool = False,
) -> SideBySide:
    """Score every subject on ``on`` with each policy's models in force; return the transitions.

    ``every``: return every subject's grades in ``graded``, not only the changed ones'.
    """
    timings = batch.Timings()
    started = time.perf_counter()
    dialect = session.get_bind().dialect.name
    raw = _read(session, before, on, sqlite_path)
    t = timings.mark("read", started)
    con = batch.load_duckdb(raw, threads=threads)
    _scored(con, before, on, "sim_before")
    reads = 1
    if _same_reads(dialect, before, after, on):
        _scored(con, after, on, "sim_after")
    else:  # the proposal reads other fields or windows: its own inputs, scored on its own connection
        reads = 2
        other = batch.load_duckdb(_read(session, after, on, sqlite_path), threads=threads)
        _scored(other, after, on, "sim_after")
        con.register("sim_after_arrow", other.execute("SELECT * FROM sim_after").to_arrow_table())
        con.execute("CREATE TABLE sim_after AS SELECT * FROM sim_after_arrow")
        other.close()
    t = timings.mark("score", t)
    con.register("class_before", class_map(before, on))
    con.register("class_after", class_map(after, on))
    out = _compare(con, every)
    con.close()
    timings.mark("compare", t)
    out.reads = reads
    out.timings = dict(timings.steps)
    return out


_JOINED = """
CREATE TEMP TABLE sim_joined AS
SELECT s.subject_id, s.kind, COALESCE(s.region_code, '') AS region_code, COALESCE(s.industry, '') AS industry,
       COALESCE(b.model_id, '') AS model_b, COALESCE(b.grade, '') AS grade_b, cb.class AS class_b,
       COALESCE(a.model_id, '') AS model_a, COALESCE(a.grade, '') AS grade_a, ca.class AS class_a
FROM ev_subject s
LEFT JOIN sim_before b ON b.subject_id = s.subject_id
LEFT JOIN sim_after a ON a.subject_id = s.subject_id
LEFT JOIN class_before cb ON cb.kind = s.kind AND cb.grade = COALESCE(b.grade, '')
LEFT JOIN class_after ca ON ca.kind = s.kind AND ca.grade = COALESCE(a.grade, '')
"""
_CHANGED = "(grade_b <> grade_a OR model_b <> model_a OR COALESCE(class_b, '') <> COALESCE(class_a, ''))"
_CELLS = (
    "SELECT region_code, industry, kind, grade_b, grade_a, COALESCE(class_b, ''), COALESCE(class_a, ''), "  # noqa: S608 - constants
    "COUNT(*), list(subject_id ORDER BY subject_id)[1:3] FROM sim_joined WHERE " + _CHANGED + " "
    "GROUP BY ALL ORDER BY ALL"
)
_GRADED = (
    "SELECT subject_id, kind, region_code, industry, model_b, grade_b, COALESCE(class_b, ''), model_a, grade_a, "
    "COALESCE(class_a, '') FROM sim_joined"
)


def _compare(con: duckdb.DuckDBPyConnection, every: bool) -> SideBySide:
    """Aggregate the joined results: transition counts, changed cells with examples, changed subjects."""
    con.execute(_JOINED)
    total = int(con.execute("SELECT COUNT(*) FROM sim_joined").fetchall()[0][0])
    transitions = con.execute(
        "SELECT grade_b, grade_a, COUNT(*) FROM sim_joined GROUP BY ALL ORDER BY ALL"
    ).fetchall()
    classes = con.execute(
        "SELECT COALESCE(class_b, ''), COALESCE(class_a, ''), COUNT(*) FROM sim_joined GROUP BY ALL ORDER BY ALL"
    ).fetchall()
    cells = con.execute(_CELLS).fetchall()
    graded = {
        int(sid): (str(kind), str(region), str(industry), (mb, gb, cb), (ma, ga, ca))
        for sid, kind, region, industry, mb, gb, cb, ma, ga, ca in con.execute(
            _GRADED + ("" if every else f" WHERE {_CHANGED}")
        ).fetchall()
    }
    return SideBySide(
        subjects=total,
        transitions=[(str(b), str(a), int(n)) for b, a, n in transitions],
        class_transitions=[(str(b), str(a), int(n)) for b, a, n in classes],
        cells=[tuple(r) for r in cells],
        graded=graded,
    )
