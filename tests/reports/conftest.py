"""Shared set-up of the report tests: a company with records in several domains."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.orm import Session

from tests.factories import records as fr
from tests.factories import subjects as fs
from xinyong.policy.loader import Policy
from xinyong.records.models import CreditRecord
from xinyong.reports import service
from xinyong.runtime import Runtime
from xinyong.subjects.models import Subject

TODAY = dt.datetime.now(ZoneInfo("Asia/Shanghai")).date()


@dataclass
class World:
    """A company, its departments and records."""

    company: Subject
    penalty: CreditRecord
    ctx: service.Context


@pytest.fixture
def world(session: Session, runtime: Runtime, policy: Policy) -> World:
    """Return a company with one public penalty from the market regulator."""
    company = fs.enterprise(session, runtime.keys, name="台州市宏达阀门有限公司", uscc=fs.next_uscc("331081"))
    dept = fs.department(session, "TZ-SCJG")
    penalty = fr.record(
        session,
        policy,
        company,
        dept,
        decision_on=TODAY - dt.timedelta(days=40),
        document_no="台市监罚〔2026〕118号",
    )
    return World(company, penalty, service.Context.of(runtime.settings, runtime.keys, policy))
