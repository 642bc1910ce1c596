"""Helpers of the rule-core tests: records as the consumers read them (a row with a payload)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any


def penalty_row(
    decision_on: dt.date | None,
    *,
    types: tuple[str, ...] = ("罚款",),
    fine: float | None = 5.0,
    procedure: str | None = "普通程序",
    severity: str | None = None,
    publication_end: dt.date | None = None,
    record_id: int = 1,
) -> Any:
    """Return a 行政处罚 record row as stored (payload keyed by the catalog's field names)."""
    payload: dict[str, Any] = {"CF_CFLB": list(types)}
    if fine is not None:
        payload["CF_NR_FK"] = fine
    if procedure is not None:
        payload["CF_CXFS"] = procedure
    if publication_end is not None:
        payload["CF_GSJZQ"] = publication_end.isoformat()
    return SimpleNamespace(
        id=record_id,
        record_key=f"k{record_id}",
        catalog_item="xzcf",
        polarity="negative",
        decision_on=decision_on,
        severity=severity,
        valid_to=None,
        document_no=f"台市监罚〔2024〕{record_id}号",
        payload=payload,
        subject_id=1,
        code="TZ-SCJG",
        supersedes_id=None,
    )
