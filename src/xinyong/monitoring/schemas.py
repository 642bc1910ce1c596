"""Typed input and output of the monitoring API."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from xinyong.kit.dates import InputDate
from xinyong.monitoring.signals import Condition


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
    next_statuses: list[str] = Field(
        default=[], description="处置时可改为的状态（待核实 → 已核实、误报；已核实 → 已处置）"
    )


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


class TargetRule(BaseModel):
    """Who a campaign targets: a condition in the signals' language, narrowed by kind, county and industry.

    E.g. ``{"condition": {"type": "listed", "catalog_items": ["yzsxmd"]}, "industries": ["建筑业"]}``:
    every subject of the building trade with a 严重失信主体名单 entry in force.
    """

    model_config = ConfigDict(extra="forbid")

    condition: Condition
    subject_kinds: list[str] = Field(default=["企业法人", "个体工商户"], min_length=1)
    regions: list[Annotated[str, Field(pattern=r"^\d{6}$")]] = []  # county codes; empty: the whole city
    industries: list[Annotated[str, Field(max_length=64)]] = []  # empty: every industry


class CampaignIn(BaseModel):
    """A campaign as the credit centre defines it."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=2, max_length=200)
    basis: str = Field(min_length=2, max_length=500)
    rule: TargetRule
    domains: list[Annotated[str, Field(max_length=32)]] = Field(
        min_length=1, description="承办部门的领域，按辖区分派"
    )
    starts_on: InputDate
    ends_on: InputDate
    due_on: InputDate = Field(description="整改期限：此后未办结的对象为逾期")


class ProgressRead(BaseModel):
    """Progress to closure over the tasks the reader sees."""

    total: int
    by_status: dict[str, int]
    closed: int
    percent: float
    overdue: int


class CampaignRead(BaseModel):
    """A campaign with its derived phase and the reader's progress."""

    id: int
    name: str
    basis: str
    rule: TargetRule
    domains: list[str]
    starts_on: dt.date
    ends_on: dt.date
    due_on: dt.date
    phase: str
    launched_on: dt.date | None
    targets: int
    progress: ProgressRead


class AddedTarget(BaseModel):
    """A subject the rule reaches now that was not on the list frozen at launch (shown, not assigned)."""

    subject_id: int
    subject_name: str
    region_code: str | None


class CampaignDetail(CampaignRead):
    """A campaign with the subjects its rule reaches since launch."""

    added_since_launch: list[AddedTarget]


class TaskRead(BaseModel):
    """A target's handling by one assigned department."""

    id: int
    campaign_id: int
    subject_id: int
    subject_name: str
    subject_code: str | None
    region_code: str | None
    department: str
    status: str
    note: str | None
    evidence: list[str]
    overdue: bool
    next_statuses: list[str]


class TaskPage(BaseModel):
    """A page of a campaign's targets as the reader's duty covers."""

    total: int
    items: list[TaskRead]


class TaskStatusIn(BaseModel):
    """A step in a target's handling."""

    model_config = ConfigDict(extra="forbid")

    status: Literal["整改中", "已整改", "无法整改"]
    note: str | None = Field(None, max_length=500)
