"""Issue 21 (indices2) point 1: townships as index units, keyed by a stable code, on the 信用乡镇 counts."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.factories import auth as fa
from tests.factories import records as record_factory
from tests.factories import rural as rural_factory
from tests.factories.subjects import department, next_ric, person
from xinyong.auth.principal import Role
from xinyong.errors import Invalid
from xinyong.indices import service
from xinyong.runtime import Runtime
from xinyong.rural import service as rural_service
from xinyong.rural import townships
from xinyong.rural.models import RuralVillage
from xinyong.subjects.models import Subject

HTML = {"accept": "text/html"}


def _home(runtime: Runtime, session: Session, village_id: int) -> Subject:
    id_card = next_ric()
    member = person(session, runtime.keys, "成员", id_card)
    rural_factory.household(session, runtime.keys, village_id, [(id_card, member.name)])
    return member


def _towns(session: Session, runtime: Runtime) -> tuple[str, str]:
    """Township 东塍镇: a 信用村 (2 clean households) and a village with a debtor; 汇溪镇: one clean village."""
    dept = department(session)
    clean = rural_factory.village(session, runtime.keys, township="东塍镇")
    mixed = rural_factory.village(session, runtime.keys, township="东塍镇")
    other = rural_factory.village(session, runtime.keys, township="汇溪镇")
    for village in (clean, clean, mixed, other):
        _home(runtime, session, village.id)
    debtor = _home(runtime, session, mixed.id)
    record_factory.record(session, runtime.policy, debtor, dept, item="qs", decision_on=dt.date(2026, 5, 6))
    code_of = {v.subject_id: v.township_code for v in session.query(RuralVillage)}
    return code_of[clean.id], code_of[other.id]


def test_a_township_is_scored_on_the_counts_its_creation_judges(session: Session, runtime: Runtime) -> None:
    dongcheng, huixi = _towns(session, runtime)
    assert dongcheng != huixi
    assert re.fullmatch(r"331081\d{3}", dongcheng)

    service.compute(session, runtime.policy, "2026-10", actor="test")
    ranking = service.results(session, runtime.policy, "township-credit", "2026-10", "township")
    by_key = {u.unit_key: u for u in ranking.units}
    town = by_key[dongcheng]
    assert town.unit_name == "东塍镇"
    assert town.county == "331081"
    points = {i.code: (i.value, i.points) for i in town.indicators}
    assert points["credit_villages"] == (0.5, 25)  # one of two villages is a 信用村: half of 50
    assert points["no_arrears"] == (0.75, 22.5)  # 3 of 4 households without arrears
    assert points["credit_households"] == (0.75, 15)
    assert town.total == 62.5
    assert by_key[huixi].total == 100
    assert by_key[huixi].rank == 1
    evidence = next(i for i in town.indicators if i.code == "credit_villages").evidence
    assert evidence == [
        "rural:2026-10-31 评定：村（社区）2 个，其中信用村 1 个；农户 4 户，其中信用户 3 户、无欠款 3 户"
    ]


def test_the_township_key_survives_a_rename(session: Session, runtime: Runtime) -> None:
    dongcheng, _ = _towns(session, runtime)
    service.compute(session, runtime.policy, "2026-10", actor="test")
    assert rural_service.rename_township(session, dongcheng, "东塍街道", actor="test") == 2
    later = rural_factory.village(session, runtime.keys, township="东塍街道")  # joins the renamed township
    assert session.get(RuralVillage, later.id).township_code == dongcheng  # type: ignore[union-attr]
    service.compute(session, runtime.policy, "2026-11", actor="test")
    ranking = service.results(session, runtime.policy, "township-credit", "2026-11", "township")
    renamed = next(u for u in ranking.units if u.unit_key == dongcheng)
    assert renamed.unit_name == "东塍街道"
    assert renamed.change is not None  # compared with the same township's October result
    history = service.history(session, "township-credit", "township", dongcheng)
    assert [p.period for p in history] == ["2026-10", "2026-11"]


def test_township_codes_given_known_or_next(session: Session, runtime: Runtime) -> None:
    first = rural_factory.village(session, runtime.keys, region="331082", township="杜桥镇")
    code = session.get(RuralVillage, first.id).township_code  # type: ignore[union-attr]
    assert townships.code_for(session, "331082", "杜桥镇") == code
    assert townships.code_for(session, "331082", "新的镇") == f"331082{int(code[6:]) + 1:03d}"
    assert townships.code_for(session, "331082", "桃渚镇", "331082123") == "331082123"
    with pytest.raises(Invalid):
        townships.code_for(session, "331082", "桃渚镇", "331081123")  # another county's code


def test_api_and_console_drill_down_take_the_township_code(
    client: TestClient, session: Session, runtime: Runtime
) -> None:
    dongcheng, _ = _towns(session, runtime)
    service.compute(session, runtime.policy, "2026-10", actor="test")
    fa.login(client, fa.account(session, Role.SUPERVISOR))
    body = client.get("/api/v1/indices/township-credit?period=2026-10&unit=township").json()
    assert {u["unit_key"] for u in body["units"]} >= {dongcheng}
    page = client.get("/console/indices/township-credit?period=2026-10&unit=township", headers=HTML)
    assert page.status_code == 200
    assert "东塍镇" in page.text
    unit = client.get(
        f"/console/indices/township-credit/units/{dongcheng}?period=2026-10&unit=township", headers=HTML
    )
    assert unit.status_code == 200
    assert "信用村占比" in unit.text
