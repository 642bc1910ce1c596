"""Typed inputs of records: one version of a credit record to write."""

from __future__ import annotations

import datetime as dt
from typing import Any, NamedTuple


class RecordVersionIn(NamedTuple):
    """One version of a credit record to write, field by field in the table's column order.

    A tuple, so that the bulk writer hands rows to the driver without copying them into another form.
    ``payload`` is the catalog-keyed payload, or its JSON text when the writer already holds it (ingest).
    ``supersedes_id`` ``None`` with ``version`` > 1 means: the previous version is written in the same call.
    """

    record_key: str
    catalog_item: str
    catalog_version: str
    subject_id: int
    department_id: int
    document_no: str | None
    decision_on: dt.date | None
    valid_from: dt.date | None
    valid_to: dt.date | None
    severity: str | None
    polarity: str
    payload: dict[str, Any] | str
    content_hash: str
    version: int = 1
    supersedes_id: int | None = None
    batch_id: int | None = None
    policy_hash: str | None = None
