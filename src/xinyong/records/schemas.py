"""Typed input and output of records: the API's published entries, and one version of a record to write."""

from __future__ import annotations

import datetime as dt
from typing import Any, NamedTuple

from pydantic import BaseModel

from xinyong.records.models import RecordEventKind


class PublicField(BaseModel):
    """A displayed field."""

    label: str
    value: str


class PublicEntry(BaseModel):
    """A published record."""

    subject_name: str
    uscc: str | None = None
    region_code: str | None = None
    region_name: str | None = None
    department_code: str
    department_name: str
    catalog_item: str
    catalog_name: str
    document_no: str | None = None
    decision_on: dt.date | None = None
    valid_to: dt.date | None = None
    public_until: dt.date | None = None
    in_force: bool
    marks: list[str] = []
    fields: list[PublicField]


class PublicPage(BaseModel):
    """A page of published records."""

    title: str
    as_of: dt.date
    page: int
    size: int
    has_more: bool
    items: list[PublicEntry]


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


# What a person reads for each status event of a record (the history under a record on every page).
EVENT_LABELS: dict[str, str] = {
    RecordEventKind.OBJECTION_OPENED: "提出异议（异议中）",
    RecordEventKind.OBJECTION_CLOSED: "异议处理完毕",
    RecordEventKind.REPAIRED: "信用修复完成",
    RecordEventKind.DISCLOSURE_STOPPED: "停止公示",
    RecordEventKind.LIST_REMOVED: "移出名单",
    RecordEventKind.DELETED: "依法删除",
    RecordEventKind.SUSPENDED: "暂时屏蔽",
    RecordEventKind.UNSUSPENDED: "解除屏蔽",
}
