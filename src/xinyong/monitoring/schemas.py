"""Typed input and output of the monitoring API."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class AlertRead(BaseModel):
    """An alert as an officer sees it."""

    id: int
    subject_id: int
    subject_name: str
    subject_code: str | None
    signal_id: str
    signal_name: str
    severity: str
    region_code: str | None
    industry: str | None
    summary: str
    advice: str
    evidence: list[str]
    departments: list[str]
    opened_on: dt.date
    holds_until: dt.date | None
    ended_on: dt.date | None
    active: bool
    reopened: int
    status: str
    status_note: str | None


class AlertPage(BaseModel):
    """A page of alerts."""

    total: int
    items: list[AlertRead]


class AlertStatusIn(BaseModel):
    """Body of ``POST /api/v1/alerts/{id}/status``."""

    model_config = ConfigDict(extra="forbid")

    status: Literal["已核实", "已处置", "误报"]
    note: str | None = Field(default=None, max_length=500)


class TimelineEntry(BaseModel):
    """One dated step in a subject's credit lifecycle."""

    on: dt.date
    kind: str
    kind_label: str
    title: str
    detail: str | None = None
    source: str | None = None


class Timeline(BaseModel):
    """A subject's lifecycle in date order (what the caller may see)."""

    subject_name: str
    entries: list[TimelineEntry]
