"""Issue 21 point 3: villages as units of the indices, scored on the facts the 信用村 creation judges them on."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from tests.factories import records as record_factory
from tests.factories import rural as rural_factory
from tests.factories.subjects import department, next_ric, person
from xinyong.indices import service
from xinyong.runtime import Runtime
from xinyong.subjects.models import Subject


def _home(runtime: Runtime, session: Session, village_id: int) -> Subject:
    """A one-member household; return the member."""
    id_card = next_ric()
    member = person(session, runtime.keys, "成员", id_card)
    rural_factory.household(session, runtime.keys, village_id, [(id_card, member.name)])
    return member


def test_a_village_is_scored_on_its_households_as_the_creation_counts_them(
    session: Session, runtime: Runtime
) -> None:
    policy, dept = runtime.policy, department(session)
    clean = rural_factory.village(session, runtime.keys)
    mixed = rural_factory.village(session, runtime.keys)
    for _ in range(2):
        _home(runtime, session, clean.id)
    _home(runtime, session, mixed.id)
    debtor = _home(runtime, session, mixed.id)
    record_factory.record(session, policy, debtor, dept, item="qs", decision_on=dt.date(2026, 5, 6))  # 欠税

    service.compute(session, policy, "2026-10", actor="test")
    ranking = service.results(session, policy, "village-credit", "2026-10", "village")
    by_key = {u.unit_key: u for u in ranking.units}
    assert by_key[str(clean.id)].total == 100
    points = {i.code: (i.value, i.points) for i in by_key[str(mixed.id)].indicators}
    assert points["credit_households"] == (0.5, 30)  # one of two households is a 信用户: half of 60
    assert points["no_arrears"] == (0.5, 15)
    assert points["collective_lists"] == (0, 10)
    assert by_key[str(mixed.id)].total == 55
    assert by_key[str(clean.id)].rank < by_key[str(mixed.id)].rank
    evidence = next(i for i in by_key[str(mixed.id)].indicators if i.code == "credit_households").evidence
    assert evidence == [
        "rural:2026-10-31 评定：农户 2 户，其中信用户 1 户、无欠款 1 户；村集体列入严重失信名单 0 条"
    ]
