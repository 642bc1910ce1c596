"""Disclosure facts loaded from the database: events, listings, versions; counted records."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from tests.factories import records as fr
from tests.factories import subjects as fs
from xinyong.policy.loader import Policy
from xinyong.records import service
from xinyong.rules.disclosure import Audience
from xinyong.runtime import Runtime

D = dt.date


def test_visible_and_counted_follow_events(session: Session, runtime: Runtime, policy: Policy) -> None:
    company = fs.enterprise(session, runtime.keys)
    dept = fs.department(session, "TZ-SW")
    kept = fr.record(session, policy, company, dept, decision_on=D(2026, 5, 1))
    repaired = fr.record(session, policy, company, dept, decision_on=D(2026, 5, 2))
    fr.event(session, repaired, "repaired", D(2026, 6, 1))
    on = D(2026, 7, 1)
    public = service.visible_records(session, company.id, Audience.PUBLIC, on, policy)
    assert [v.record.id for v in public] == [kept.id]
    own = service.visible_records(session, company.id, Audience.SUBJECT_SELF, on, policy)
    assert {v.record.id for v in own} == {kept.id, repaired.id}
    assert [r.id for r in service.counted_records(session, company.id, on, policy)] == [kept.id]
    before = service.counted_records(session, company.id, D(2026, 5, 20), policy)
    assert {r.id for r in before} == {kept.id, repaired.id}


def test_listing_extends_retention_from_database(session: Session, runtime: Runtime, policy: Policy) -> None:
    company = fs.enterprise(session, runtime.keys)
    dept = fs.department(session, "TZ-FGW")
    old = fr.record(session, policy, company, dept, decision_on=D(2019, 3, 1))
    fr.record(session, policy, company, dept, item="yzsxmd", decision_on=D(2020, 1, 1), severity=None)
    on = D(2025, 6, 1)  # past 5 years from 2019-03-01, but the subject is still listed
    facts = service.load_facts(session, [old], policy)[old.id]
    assert facts.subject_listings
    assert [
        v.record.id for v in service.visible_records(session, company.id, Audience.DEPARTMENT, on, policy)
    ].count(old.id) == 1


def test_payload_roles_read_into_facts(session: Session, runtime: Runtime, policy: Policy) -> None:
    company = fs.enterprise(session, runtime.keys)
    dept = fs.department(session, "TZ-SCJG")
    dept.domain = "market_regulation"
    rec = fr.record(
        session,
        policy,
        company,
        dept,
        payload={"CF_CFLB": "警告、罚款", "CF_NR_FK": "0.5", "CF_GSJZQ": "2026-09-01", "CF_CXFS": "简易程序"},
    )
    facts = service.load_facts(session, [rec], policy)[rec.id]
    assert facts.penalty_types == ("警告", "罚款")
    assert facts.fine_wan == 0.5
    assert facts.publication_end == D(2026, 9, 1)
    assert facts.procedure == "简易程序"
    assert facts.domain == "market_regulation"
    assert facts.subject_kind == "企业法人"
