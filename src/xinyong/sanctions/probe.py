"""Gather a check's inputs: subjects, facts, grades and breaches, reading only what exists.

Most subjects checked have no credit records and no commitments. Every code with the shape of a USCC is
looked up with one statement (:data:`_PROBE`; for a batch, the same statement over chunked ``IN`` lists)
that also reads the subject's grade in the latest evaluation batch (as
:func:`xinyong.sanctions.inputs.load_grades` reads it) and whether it has any records or commitments at
all; facts are then loaded only for subjects with records and breaches only for subjects with
commitments. Other queries (names, other identifiers, USCC-shaped codes not found as one) go through
:func:`xinyong.sanctions.resolve.resolve` and the general loaders.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, exists, select

from xinyong.commitments import service as commitments_service
from xinyong.db_prepared import Prepared, Reader, connection_of
from xinyong.evaluation import service as evaluation_service
from xinyong.evaluation.supervision import SupervisionRule
from xinyong.kit.crypto import KeyRing
from xinyong.policy.loader import Policy
from xinyong.records.models import CreditRecord
from xinyong.sanctions.engine import Fact
from xinyong.sanctions.inputs import (
    Graded,
    chunks,
    classify,
    load_grades,
    load_trigger_facts,
)
from xinyong.sanctions.resolve import SUBJECT_COLUMNS, Query, Resolution, SubjectRef, resolve, uscc_like
from xinyong.subjects.models import Subject

_S = Subject.__table__
_R = CreditRecord.__table__
_COLUMNS = (
    *SUBJECT_COLUMNS,
    evaluation_service.grade_of_subject(_S.c.id, "model_id").label("grade_model"),
    evaluation_service.grade_of_subject(_S.c.id).label("grade"),
    exists().where(_R.c.subject_id == _S.c.id).label("has_records"),
    commitments_service.has_commitments(_S.c.id).label("has_commitments"),
)
_PROBE = Prepared(select(*_COLUMNS).where(_S.c.uscc == bindparam("uscc")))
_PROBE_MANY = select(*_COLUMNS).where(_S.c.uscc.in_(bindparam("usccs", expanding=True)))


@dataclass(frozen=True)
class Probe:
    """A subject found by its USCC, its grade, and whether it has records or commitments."""

    subject: SubjectRef
    grade: tuple[str, str] | None  # (model id, grade): a grade is a name on its model's scale
    has_records: bool
    has_commitments: bool


def _probe_of(row: Sequence[Any]) -> Probe:
    sid, name, kind, region, code, model, grade, has_records, has_commitments = row
    graded = (model, grade) if grade is not None else None
    return Probe(SubjectRef(sid, name, kind, region, code), graded, bool(has_records), bool(has_commitments))


def probe(db: Reader, usccs: Iterable[str]) -> dict[str, Probe]:
    """Return what one statement per 2,000 codes knows of the subjects with these (cleaned) USCCs."""
    conn = connection_of(db)
    values = list(dict.fromkeys(usccs))
    if len(values) == 1:  # the common single check: prepared equality on the driver
        return {p.subject.uscc or "": p for p in map(_probe_of, _PROBE.all(conn, {"uscc": values[0]}))}
    out: dict[str, Probe] = {}
    for part in chunks(values):
        for row in conn.execute(_PROBE_MANY, {"usccs": list(part)}).all():
            p = _probe_of(tuple(row))
            out[p.subject.uscc or ""] = p
    return out


@dataclass
class Inputs:
    """Everything the matching needs, per query and per subject."""

    resolutions: list[Resolution]
    kinds: dict[int, str]
    facts: dict[int, list[Fact]]
    grades: dict[int, Graded]
    breaches: dict[int, list[commitments_service.BreachInfo]]


def gather(
    db: Reader,
    keys: KeyRing,
    policy: Policy,
    queries: Sequence[Query],
    on: dt.date,
    items: set[str],
    rule: SupervisionRule | None,
    known_at: dt.datetime | None = None,
) -> Inputs:
    """Resolve the queries and load the facts, grades and breaches of the subjects found (records, events
    and grades as the platform held them at ``known_at`` when given, ``records.asof``)."""
    usccs = {i: c for i, q in enumerate(queries) if (c := uscc_like(q.code)) is not None}
    probes = probe(db, usccs.values()) if usccs else {}
    resolutions: list[Resolution | None] = [None] * len(queries)
    for i, code in usccs.items():
        if code in probes:
            resolutions[i] = Resolution("found", probes[code].subject)
    rest = [i for i, r in enumerate(resolutions) if r is None]
    if rest:
        absent = {c for c in usccs.values() if c not in probes}  # not looked up as USCCs again
        for i, res in zip(rest, resolve(db, keys, policy, [queries[i] for i in rest], absent), strict=True):
            resolutions[i] = res
    done = [r for r in resolutions if r is not None]
    kinds = {r.subject.subject_id: r.subject.kind for r in done if r.subject is not None}
    probed = {p.subject.subject_id: p for p in probes.values()}
    with_records = {s: k for s, k in kinds.items() if s not in probed or probed[s].has_records}
    with_commitments = sorted(s for s in kinds if s not in probed or probed[s].has_commitments)
    # the probe read today's grades: a check of the past reads every grade as of its instant
    others = {s: k for s, k in kinds.items() if s not in probed or known_at is not None}
    grades = load_grades(db, others, policy, rule, known_at) if others else {}
    if known_at is None:
        known = {s: p.grade for s, p in probed.items() if p.grade is not None}
        grades.update(classify({s: kinds[s] for s in probed if s in kinds}, known, rule))
    return Inputs(
        resolutions=done,
        kinds=kinds,
        facts=load_trigger_facts(db, with_records, on, policy, items, known_at) if with_records else {},
        grades=grades,
        breaches=commitments_service.breaches_for(db, with_commitments, policy) if with_commitments else {},
    )
