"""Province scale: the same compiled plan on Spark SQL (local mode) equals the embedded DuckDB engine."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy.orm import Session

from tests.factories import evaluation as ev_factories
from tests.factories.subjects import department
from xinyong.evaluation import batch, service
from xinyong.evaluation.inputs import retention_rule
from xinyong.kit.dates import sub_months
from xinyong.policy.loader import Policy

pytest.importorskip("pyspark")
pytestmark = pytest.mark.spark


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    from xinyong.evaluation.spark import local_session

    session = local_session("xinyong-test")
    yield session
    session.stop()


def test_spark_equals_duckdb(spark: Any, session: Session, policy: Policy) -> None:
    from xinyong.evaluation import spark as on_spark

    as_of = dt.date(2026, 10, 31)
    dept = department(session)
    edges = (as_of, *(sub_months(as_of, m) for m in (12, 36, 60)))
    ev_factories.random_population(session, dept.id, seed=21, subjects=1500, edges=edges)
    models = service.models_of(policy)
    raw = batch.read_inputs(session.connection(), policy, models)
    con = batch.load_duckdb(raw)
    rule = retention_rule(policy)
    batch.score(con, models.in_force(as_of), as_of, rule)
    embedded = sorted(con.execute("SELECT * FROM ev_result").fetchall())
    tables = {name: con.table(name).to_arrow_table() for name in on_spark.SCHEMAS}
    on_spark.register(spark, tables)
    distributed = on_spark.score(spark, models.in_force(as_of), as_of, rule)
    assert len(embedded) >= 1500
    assert distributed == embedded
