"""Province scale: run the same compiled plan on Spark SQL (PySpark, an optional extra: ``.[spark]``).

The plan ``sqlgen.compile_plan`` emits is executed unchanged by Spark; the three input tables are handed
over with explicit schemas, so both executors see the same types.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pyarrow as pa

from xinyong.evaluation.inputs import RetentionRule
from xinyong.evaluation.spec import EvaluationModel
from xinyong.evaluation.sqlgen import compile_plan

SCHEMAS = {
    "ev_subject": "subject_id BIGINT, kind STRING, established_on DATE, region_code STRING, industry STRING",
    "ev_record": (
        "id BIGINT, subject_id BIGINT, catalog_item STRING, severity STRING, polarity STRING, "
        "decision_on DATE, valid_to DATE, amount BIGINT, retention_start DATE, supersedes_id BIGINT, "
        "list_end DATE, tag STRING"
    ),
    "ev_event": "record_id BIGINT, kind STRING, effective_on DATE, id BIGINT",
}


def local_session(app_name: str = "xinyong-evaluation", cores: int = 2) -> Any:
    """Start (or reuse) a local-mode Spark session with few shuffle partitions."""
    from pyspark.sql import SparkSession

    return (
        SparkSession.builder.master(f"local[{cores}]")
        .appName(app_name)
        .config("spark.sql.shuffle.partitions", str(cores * 2))
        .config("spark.ui.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )


def register(spark: Any, tables: dict[str, pa.Table]) -> None:
    """Register typed Arrow tables as Spark temporary views under the plan's input names."""
    for name, schema in SCHEMAS.items():
        rows = [tuple(r.values()) for r in tables[name].to_pylist()]
        spark.createDataFrame(rows, schema=schema).createOrReplaceTempView(name)


def score(
    spark: Any, models: list[EvaluationModel], as_of: dt.date, rule: RetentionRule
) -> list[tuple[Any, ...]]:
    """Run the compiled plan on Spark; return the result rows ordered by subject."""
    plan = compile_plan(models, as_of, rule, dialect="spark")
    frame = spark.sql(plan)
    return sorted(tuple(r) for r in frame.collect())
