"""Typed input and output of the monitoring API."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
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


class SubscriptionIn(BaseModel):
    """Body of ``POST /api/v1/subscriptions``: by county, industry or codes (banks: codes only)."""

    model_config = ConfigDict(extra="forbid")

    regions: list[str] = Field(default_factory=list, max_length=20)
    industries: list[str] = Field(default_factory=list, max_length=50)
    codes: list[str] = Field(default_factory=list, max_length=5000)
    purpose: str | None = Field(default=None, max_length=64, description="部门须注明履职查询情形")


class SubscriptionRead(BaseModel):
    """A subscription."""

    id: int
    regions: list[str]
    industries: list[str]
    subjects: int
    purpose: str | None
    created_at: dt.datetime


class ChangeRead(BaseModel):
    """One change about a followed subject."""

    kind: str
    subject_id: int
    on: dt.date | None
    ref: int
    title: str


class ChangePage(BaseModel):
    """Changes past a cursor, and the cursor to resume from."""

    items: list[ChangeRead]
    next_cursor: str


@dataclass(frozen=True)
class AlertFilter:
    """Filters of ``GET /api/v1/alerts``; ``active`` is derived from dates on ``on``."""

    on: dt.date
    signal: str | None = None
    severity: str | None = None
    region: str | None = None
    industry: str | None = None
    department: str | None = None
    status: str | None = None
    since: dt.date | None = None
    active: bool | None = None
