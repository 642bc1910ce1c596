"""One subject scored from the system of record (the batch's SELECTs, one subject), as of a valid date and
a transaction-time cut-off (``records.asof``), and the answer when no model applies."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import bindparam, text
from sqlalchemy.orm import Session

from xinyong.db import UTCDateTime
from xinyong.errors import NotFound
from xinyong.evaluation import queries
from xinyong.evaluation.engine import Evaluation, SubjectFacts, evaluate, facts_from_rows
from xinyong.evaluation.inputs import EvaluatedRecord
from xinyong.evaluation.loaders import MODELS
from xinyong.evaluation.spec import ModelSet
from xinyong.policy.loader import Policy


def models_of(policy: Policy) -> ModelSet:
    """Return the evaluation models of the policy."""
    return policy.section(MODELS)


def subject_inputs(
    session: Session, policy: Policy, subject_id: int, known_at: dt.datetime | None = None
) -> tuple[SubjectFacts, list[EvaluatedRecord]] | None:
    """Read one subject's evaluation inputs from the system of record (the batch's SELECTs, one subject),
    as the platform held them at ``known_at`` (``None``: everything stored now; ``records.asof``)."""
    conn = session.connection()
    dialect = conn.dialect.name
    fields = queries.payload_fields(policy, models_of(policy))
    known = known_at is not None
    params: dict[str, Any] = {"subject_id": subject_id, "known_at": known_at}
    cut = bindparam("known_at", type_=UTCDateTime())
    subject_row = conn.execute(text(queries.subjects_sql(dialect, one_subject=True)), params).first()
    if subject_row is None:
        return None
    records_sql = text(queries.records_sql(dialect, fields, one_subject=True, known=known))
    records = conn.execute(records_sql.bindparams(cut) if known else records_sql, params).all()
    # the events of exactly these records, by the record index: a sub-select on the subject let
    # PostgreSQL pick a plan that walked every event of an unanalysed table once per subject
    ids = [r[0] for r in records]
    events_sql = text(queries.events_sql(dialect, one_subject=True, known=known)).bindparams(
        bindparam("ids", expanding=True), *([cut] if known else [])
    )
    events = conn.execute(events_sql, {"ids": ids, "known_at": known_at}).all() if ids else []
    return facts_from_rows(tuple(subject_row), [tuple(r) for r in records], [tuple(e) for e in events])


def evaluate_one(
    session: Session, policy: Policy, subject_id: int, as_of: dt.date, known_at: dt.datetime | None = None
) -> Evaluation | None:
    """Evaluate one subject from the system of record with the single-subject engine (as of ``as_of``,
    with what was received by ``known_at``)."""
    found = subject_inputs(session, policy, subject_id, known_at)
    if found is None:
        return None
    facts, record_facts = found
    model = models_of(policy).for_kind(facts.kind, as_of)
    if model is None:
        return None
    return evaluate(facts, record_facts, model, as_of, policy)


def no_model(models: ModelSet, kind: str, on: dt.date) -> NotFound:
    """Return the answer that no model evaluated ``kind`` on ``on``: none at all, or none in force then.

    The models' own effective dates decide (``policy/models/``): before the earliest ``effective_from``
    of the kind's models the platform had no model to score it with, and says so with the dates.
    """
    of_kind = [m for m in models.models if kind in m.subject_kinds]
    if not of_kind:
        return NotFound(f"本平台没有适用于“{kind}”的公共信用评价模型", code="evaluation.no_model")
    spans = "；".join(
        f"{m.name}（{m.version}）自 {m.effective_from.isoformat()} 起施行"
        + (f"，至 {m.effective_to.isoformat()} 止" if m.effective_to else "")
        for m in sorted(of_kind, key=lambda m: m.effective_from)
    )
    return NotFound(
        f"{on.isoformat()} 没有施行中的评价模型，该日不作公共信用评价：{spans}",
        code="evaluation.no_model_in_force",
        on=on.isoformat(),
        models=[
            {"id": m.id, "version": m.version, "effective_from": m.effective_from.isoformat()}
            for m in of_kind
        ],
    )
