"""Typed input and output of the records API."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel


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
