"""Statuses of the registry, derived from dates on the day asked about (never stored, never flipped by a job)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from xinyong.kit.dates import phase


@dataclass(frozen=True)
class Status:
    """A derived status: a stable code and its Chinese label."""

    code: str
    label: str


FILING = {
    "before": Status("pending", "备案尚未生效"),
    "during": Status("filed", "备案有效"),
    "after": Status("cancelled", "已注销备案"),
}
POST = {
    "before": Status("not_started", "尚未入职"),
    "during": Status("active", "在职"),
    "after": Status("left", "已离职"),
}


def filing_status(filed_on: dt.date, cancelled_on: dt.date | None, on: dt.date) -> Status:
    """Return the filing's status on ``on``: effective from the filing date until the day it is cancelled."""
    return FILING[phase(filed_on, cancelled_on, on)]


def post_status(joined_on: dt.date, left_on: dt.date | None, on: dt.date) -> Status:
    """Return whether a practitioner works for the agency on ``on`` (the leaving day is no longer)."""
    return POST[phase(joined_on, left_on, on)]
