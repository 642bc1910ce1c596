"""Issue 19 point 6 / issue 21 point 3: members by blind index, the 信用户 rating through the service from
hand-built records, and 信用村/乡镇/县 results from rated households."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from tests.factories import records as record_factory
from tests.factories import rural as rural_factory
from tests.factories.subjects import department, next_ric, person
from xinyong.errors import Conflict, Invalid
from xinyong.runtime import Runtime
from xinyong.rural import service
from xinyong.rural.models import RuralMember
from xinyong.subjects.models import IdentifierScheme, SubjectIdentifier

ON = dt.date(2026, 10, 31)


def test_members_are_linked_by_blind_index_and_no_id_number_is_stored(
    runtime: Runtime, session: Session
) -> None:
    keys = runtime.keys
    registered_id, unregistered_id = next_ric(), next_ric()
    somebody = person(session, keys, "李四", registered_id)
    village = rural_factory.village(session, keys)
    home = rural_factory.household(
        session, keys, village.id, [(registered_id, "李四"), (unregistered_id, "王芳")]
    )
    raw = (
        session.execute(text("SELECT * FROM rural_member WHERE household_id = :h"), {"h": home.id})
        .mappings()
        .all()
    )
    assert len(raw) == 2
    for row in raw:
        for value in row.values():
            assert registered_id not in str(value)
            assert unregistered_id not in str(value)
            assert registered_id[-8:] not in str(value)
            assert unregistered_id[-8:] not in str(value)
    lookup = session.scalar(
        select(SubjectIdentifier.lookup).where(
            SubjectIdentifier.subject_id == somebody.id,
            SubjectIdentifier.scheme == IdentifierScheme.ID_CARD.value,
        )
    )
    assert {r["member_lookup"] for r in raw} >= {lookup}
    assert {r["id_masked"] for r in raw} == {
        registered_id[:6] + "********" + registered_id[-4:],
        unregistered_id[:6] + "********" + unregistered_id[-4:],
    }
    assert home.kind == "农户"
    assert home.identifiers == []


def test_a_person_is_in_one_household_and_bad_numbers_are_refused(runtime: Runtime, session: Session) -> None:
    keys = runtime.keys
    village = rural_factory.village(session, keys)
    head = next_ric()
    rural_factory.household(session, keys, village.id, [(head, "赵一")])
    with pytest.raises(Conflict):
        rural_factory.household(session, keys, village.id, [(head, "赵一")])
    with pytest.raises(Invalid):
        rural_factory.household(session, keys, village.id, [("330102198001011234", "钱二")])
    with pytest.raises(Invalid):
        service.register_household(
            session,
            keys,
            village_id=village.id,
            name="无户主",
            members=[service.MemberIn(next_ric(), "孙三", "配偶")],
            actor="t",
        )
    assert session.scalar(select(RuralMember.id).where(RuralMember.name == "孙三")) is None


def _home(runtime: Runtime, session: Session, village_id: int, n: int = 2):  # type: ignore[no-untyped-def]
    ids = [next_ric() for _ in range(n)]
    people = [person(session, runtime.keys, f"成员{i}", id_card) for i, id_card in enumerate(ids)]
    home = rural_factory.household(
        session, runtime.keys, village_id, [(i, p.name) for i, p in zip(ids, people, strict=True)]
    )
    return home, people


def test_rating_through_the_service_from_records(runtime: Runtime, session: Session) -> None:
    policy, dept = runtime.policy, department(session)
    village = rural_factory.village(session, runtime.keys)
    home, (head, spouse) = _home(runtime, session, village.id)
    assert service.rate_households(session, policy, [home.id], ON)[home.id].level_name == "信用户"
    record_factory.record(
        session, policy, spouse, dept, item="sxjl", decision_on=dt.date(2026, 3, 1), severity=None
    )
    rating = service.rate_households(session, policy, [home.id], ON)[home.id]
    assert rating.level_name == "信用示范户"
    arrears = record_factory.record(session, policy, head, dept, item="qs", decision_on=dt.date(2026, 5, 6))
    rating = service.rate_households(session, policy, [home.id], ON)[home.id]
    assert rating.level_code == "not_rated"
    assert "不符合：家庭成员均无欠缴税费、贷款逾期等欠款记录" in rating.reasons
    totals = {c.code: c.total for c in rating.criteria}
    assert totals["no_arrears"] == 1
    assert totals["no_negative_in_force"] == 1
    assert totals["positive_records"] == 1
    # a repaired record is no longer counted (the rule core decides, not a copy of it)
    record_factory.event(session, arrears, "repaired", dt.date(2026, 9, 1))
    assert service.rate_households(session, policy, [home.id], ON)[home.id].level_name == "信用示范户"
    # a record decided after the rating day does not count yet
    record_factory.record(session, policy, head, dept, item="qs", decision_on=dt.date(2026, 11, 20))
    assert service.rate_households(session, policy, [home.id], ON)[home.id].level_name == "信用示范户"


def test_a_serious_list_in_force_bars_the_household(runtime: Runtime, session: Session) -> None:
    policy, dept = runtime.policy, department(session)
    home, (head, _spouse) = _home(runtime, session, rural_factory.village(session, runtime.keys).id)
    record_factory.record(
        session,
        policy,
        head,
        dept,
        item="yzsxmd",
        decision_on=dt.date(2026, 2, 1),
        payload={"MD_YCRQ": "2027-02-01"},
    )
    rating = service.rate_households(session, policy, [home.id], ON)[home.id]
    assert rating.level_code == "not_rated"
    assert {c.code: c.total for c in rating.criteria}["no_serious_dishonesty"] == 1
    later = service.rate_households(session, policy, [home.id], dt.date(2027, 3, 1))[home.id]
    assert {c.code: c.total for c in later.criteria}["no_serious_dishonesty"] == 0


def test_village_township_and_county_results(runtime: Runtime, session: Session) -> None:
    policy, dept = runtime.policy, department(session)
    good = rural_factory.village(session, runtime.keys, region="331082", township="东塍镇")
    poor = rural_factory.village(session, runtime.keys, region="331082", township="东塍镇")
    empty = rural_factory.village(session, runtime.keys, region="331082", township="汛桥镇")
    for _ in range(3):
        _home(runtime, session, good.id)
    _home(runtime, session, poor.id)
    _, (debtor, _s) = _home(runtime, session, poor.id)
    record_factory.record(session, policy, debtor, dept, item="qs", decision_on=dt.date(2026, 4, 1))
    outcome = service.compute_units(session, policy, ON)
    villages = {v.subject_id: v for v in outcome.villages}
    assert villages[good.id].met
    assert villages[good.id].title == "信用村"
    assert villages[good.id].counts.households == 3
    assert villages[good.id].counts.credit_households == 3
    assert not villages[poor.id].met
    assert villages[poor.id].title == "暂未达标"
    share = {c.code: c for c in villages[poor.id].criteria}["credit_household_share"]
    assert share.value == 0.5
    assert not share.met
    assert not villages[empty.id].met  # no households: no data, not met
    assert {c.code: c.value for c in villages[empty.id].criteria}["credit_household_share"] is None
    towns = {(r.region_code, r.name): r for r in outcome.higher if r.unit == "township"}
    assert towns[("331082", "东塍镇")].key.startswith("331082")  # the township's code (rural.townships)
    assert towns[("331082", "东塍镇")].counts.credit_villages == 1
    assert towns[("331082", "东塍镇")].counts.villages == 2
    assert towns[("331082", "东塍镇")].met is False  # 4 of 5 households without arrears: 80 % < 90 %
    county = next(r for r in outcome.higher if r.unit == "county" and r.key == "331082")
    assert county.name == "临海市"
    assert county.counts.villages == 3
    assert county.counts.credit_villages == 1
    assert not county.met


def test_community_title_and_a_threshold_from_policy(runtime: Runtime, session: Session) -> None:
    policy = runtime.policy
    community = rural_factory.village(session, runtime.keys, township="海门街道", kind="community")
    _home(runtime, session, community.id)
    outcome = service.compute_units(session, policy, ON)
    assert next(v for v in outcome.villages if v.subject_id == community.id).title == "信用社区"
