"""Issue 19 point 6: a household (农户) is its members' file, so it is never public, like a natural person."""

from __future__ import annotations

import datetime as dt

from tests.rules.conftest import penalty_row
from xinyong.policy.loader import Policy
from xinyong.records import service as records_service
from xinyong.rules.disclosure import Audience, decide
from xinyong.subjects.models import SubjectKind


def test_household_record_is_not_public_but_an_enterprise_record_is(policy: Policy) -> None:
    decided = dt.date(2026, 5, 10)
    row = penalty_row(decided, publication_end=decided + dt.timedelta(days=200))
    on = decided + dt.timedelta(days=10)
    household = records_service.facts_of(
        row, subject_kind=SubjectKind.HOUSEHOLD, domain="environment", policy=policy
    )
    enterprise = records_service.facts_of(
        row, subject_kind=SubjectKind.ENTERPRISE, domain="environment", policy=policy
    )
    shown = decide(household, Audience.PUBLIC, on, policy, channels=True)
    assert shown.public_until is None
    assert "自然人信用信息不向社会公开" in shown.reason
    assert shown.other_channels == ()
    assert decide(enterprise, Audience.PUBLIC, on, policy).public_until is not None
