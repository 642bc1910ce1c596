"""Pure: the registry's statuses follow from dates; who sees a register entry is the rule core's answer."""

from __future__ import annotations

import datetime as dt

import pytest

from xinyong.agencies.status import filing_status, post_status
from xinyong.policy.loader import Policy
from xinyong.rules.disclosure import Audience
from xinyong.rules.entries import decide_entry

FILED = dt.date(2024, 3, 1)
CANCELLED = dt.date(2025, 6, 30)


@pytest.mark.parametrize(
    ("on", "cancelled_on", "code", "label"),
    [
        (dt.date(2024, 2, 29), None, "pending", "备案尚未生效"),
        (FILED, None, "filed", "备案有效"),
        (dt.date(2030, 1, 1), None, "filed", "备案有效"),
        (dt.date(2025, 6, 29), CANCELLED, "filed", "备案有效"),
        (CANCELLED, CANCELLED, "cancelled", "已注销备案"),  # the cancellation day is no longer filed
        (dt.date(2026, 1, 1), CANCELLED, "cancelled", "已注销备案"),
    ],
)
def test_filing_status_is_derived_from_the_dates(
    on: dt.date, cancelled_on: dt.date | None, code: str, label: str
) -> None:
    status = filing_status(FILED, cancelled_on, on)
    assert (status.code, status.label) == (code, label)


def test_practitioner_post_follows_joining_and_leaving() -> None:
    joined, left = dt.date(2024, 1, 1), dt.date(2024, 12, 31)
    assert post_status(joined, left, dt.date(2023, 12, 31)).label == "尚未入职"
    assert post_status(joined, left, joined).label == "在职"
    assert post_status(joined, left, left).label == "已离职"
    assert post_status(joined, None, dt.date(2099, 1, 1)).label == "在职"


@pytest.mark.parametrize("audience", list(Audience))
def test_register_entries_public_for_organisations_never_for_persons(
    policy: Policy, audience: Audience
) -> None:
    organisation = decide_entry("企业法人", audience, policy)
    person = decide_entry("自然人", audience, policy)
    household = decide_entry("农户", audience, policy)
    assert organisation.shown
    if audience == Audience.PUBLIC:
        assert not person.shown
        assert not household.shown
        assert person.reason_code == "natural_person_not_public"
        assert "不向社会公开" in person.reason
    else:
        assert person.shown
        assert household.shown
