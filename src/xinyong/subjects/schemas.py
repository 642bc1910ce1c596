"""Pydantic I/O of subjects: the credit file (一户一档) and search results."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

# Sections of the national public credit report (公共信用信息报告), in order.
COMMITMENTS_SECTION = "信用承诺"  # the section the portal lists a subject's public commitments in
SECTIONS = (
    "基础信息",
    "行政管理",
    "诚实守信",
    "严重失信",
    "经营异常",
    COMMITMENTS_SECTION,
    "信用评价",
    "司法判决",
    "其他",
)


class SubjectBasics(BaseModel):
    """基础信息: registration basics; personal numbers only masked."""

    name: str
    kind: str
    uscc: str | None = None
    id_masked: str | None = None
    region_code: str | None = None
    region_name: str | None = None
    legal_rep: str | None = None
    industry: str | None = None
    established_on: dt.date | None = None
    status: str


class Provenance(BaseModel):
    """Where an item comes from."""

    department_code: str | None = None
    department_name: str | None = None
    authority: str | None = None
    document_no: str | None = None
    decision_on: dt.date | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    first_received_at: dt.datetime
    last_received_at: dt.datetime
    batch_id: int | None = None


class FieldValue(BaseModel):
    """One displayed field of an item."""

    name: str
    label: str
    value: str


class VersionRead(BaseModel):
    """One version of a record (更正历史)."""

    record_id: int
    version: int
    content_hash: str
    received_at: dt.datetime
    supersedes_id: int | None = None
    changed_fields: list[str] = []


class EventRead(BaseModel):
    """A status event of a record."""

    kind: str
    effective_on: dt.date
    reason: str | None = None


class DisclosureRead(BaseModel):
    """Why the item is shown, as decided for this viewer and day."""

    reason_code: str
    reason: str
    public_until: dt.date | None = None
    marks: list[str] = []
    shared: bool
    counted: bool
    regime_id: str | None = None
    other_channels: list[
        str
    ] = []  # other publication channels' windows (e.g. 国家企业信用信息公示系统), for information


class FileItem(BaseModel):
    """One item of a credit file."""

    record_id: int
    catalog_item: str
    catalog_name: str
    polarity: str
    severity: str | None = None
    version: int
    provenance: Provenance
    fields: list[FieldValue]
    disclosure: DisclosureRead
    versions: list[VersionRead] | None = None
    events: list[EventRead] | None = None


class FileSection(BaseModel):
    """One section of the credit file."""

    name: str
    count: int
    items: list[FileItem]


class Viewer(BaseModel):
    """Who reads the file and on what basis."""

    role: str
    audience: str
    audience_label: str
    basis: str
    purpose: str


class CreditFile(BaseModel):
    """The credit file as the caller may see it."""

    code: str
    as_of: dt.date
    known_at: dt.datetime | None = None  # transaction-time cut-off (None: everything stored when answered)
    policy_hash: str
    viewer: Viewer
    basics: SubjectBasics
    summary: dict[str, int]
    sections: list[FileSection]
    notice: str


class SearchHit(BaseModel):
    """A subject found by search."""

    name: str
    kind: str
    code: str | None
    id_masked: str | None = None
    region_code: str | None = None
    region_name: str | None = None
    status: str


class SearchPage(BaseModel):
    """A page of search results."""

    q: str
    mode: str
    page: int
    size: int
    total: int
    capped: bool
    items: list[SearchHit]


class CodeIn(BaseModel):
    """A code to exchange for a URL-safe token."""

    code: str = Field(min_length=1, max_length=32, description="统一社会信用代码或身份证号")


class CodeToken(BaseModel):
    """The token to use in URLs in place of the code."""

    token: str
