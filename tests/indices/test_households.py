"""Issue 21 (indices2) point 2: households as index units — the 信用户 rating's own facts, personal data:
never listed, read one household at a time by those the household file admits, every read logged."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.factories import auth as fa
from tests.factories import records as record_factory
from tests.factories import rural as rural_factory
from tests.factories.subjects import department, next_ric, person
from xinyong.auth.models import QueryLog
from xinyong.auth.principal import Role
from xinyong.indices import service
from xinyong.runtime import Runtime

HTML = {"accept": "text/html"}
URL = "/api/v1/indices/household-credit/units/{}?period=2026-10&unit=household"


def _computed(session: Session, runtime: Runtime) -> tuple[int, int]:
    """A clean one-member household and one whose member owes tax (欠税), in 331081; October computed."""
    village = rural_factory.village(session, runtime.keys, region="331081")
    homes, members = [], []
    for name in ("守信", "欠税"):
        id_card = next_ric("331081")
        members.append(person(session, runtime.keys, name, id_card))
        homes.append(rural_factory.household(session, runtime.keys, village.id, [(id_card, name)]).id)
    dept = department(session)
    record_factory.record(
        session, runtime.policy, members[1], dept, item="qs", decision_on=dt.date(2026, 5, 6)
    )
    service.compute(session, runtime.policy, "2026-10", actor="test")
    return homes[0], homes[1]


def _logged(session: Session, household_id: int) -> list[QueryLog]:
    query = select(QueryLog).where(QueryLog.subject_id == household_id, QueryLog.what == "household_index")
    return list(session.scalars(query))


def test_a_household_is_scored_on_its_ratings_facts(
    client: TestClient, session: Session, runtime: Runtime
) -> None:
    clean, debtor = _computed(session, runtime)
    session.commit()
    fa.login(client, fa.account(session, Role.ADMIN))
    good = client.get(URL.format(clean))
    assert good.status_code == 200, good.text
    unit = good.json()["units"][0]
    assert unit["unit_name"] == f"农户 {clean}"  # the number, not the family's name
    assert unit["total"] == 95  # 信用户 40 + no lists, records, arrears, broken commitments 55; no 守信记录
    bad = client.get(URL.format(debtor)).json()["units"][0]
    points = {i["code"]: (i["value"], i["points"]) for i in bad["indicators"]}
    assert points["credit_household"] == (0, 0)  # the rating says 暂不评定
    assert points["arrears"] == (1, 0)  # one tax arrears record: 15 deducted
    assert points["negative_records"] == (1, 10)  # and it is a negative record in force: 5 deducted
    assert bad["total"] == 35
    assert "不符合：家庭成员均无欠缴税费" in bad["indicators"][0]["evidence"][0]


def test_household_results_are_refused_to_the_public_and_unrelated_roles_and_logged_for_allowed_ones(
    client: TestClient, session: Session, runtime: Runtime
) -> None:
    clean, _ = _computed(session, runtime)
    dept = department(session)
    bank = fa.account(session, Role.BANK, organisation="台州银行", institution_code="BK-TZYH")
    outside = fa.account(session, Role.OFFICER, department_id=dept.id, region_code="331002")
    inside = fa.account(session, Role.OFFICER, department_id=dept.id, region_code="331081")
    admin = fa.account(session, Role.ADMIN)
    session.commit()
    assert client.get(URL.format(clean)).status_code == 401
    fa.login(client, bank)
    assert client.get(URL.format(clean)).status_code == 403
    fa.login(client, outside)  # an officer of another county: the household file's own rule refuses
    assert client.get(URL.format(clean)).status_code == 403
    assert _logged(session, clean) == []
    fa.login(client, inside)
    assert client.get(URL.format(clean)).status_code == 200
    fa.login(client, admin)
    listed = client.get("/api/v1/indices/household-credit?period=2026-10&unit=household")
    assert listed.status_code == 403  # never a list or a ranking of households
    assert listed.json()["code"] == "indices.personal_unit"
    page = client.get(f"/console/indices/household-credit/units/{clean}?period=2026-10", headers=HTML)
    assert page.status_code == 200
    assert "已记入查询记录" in page.text
    assert [log.basis for log in _logged(session, clean)] == ["duty", "credit_centre"]
    ranking = client.get("/console/indices/household-credit?period=2026-10", headers=HTML)
    assert ranking.status_code == 200
    assert f"农户 {clean}" not in ranking.text
    assert client.get("/console/indices/household-credit/export.xlsx?period=2026-10").status_code == 403
