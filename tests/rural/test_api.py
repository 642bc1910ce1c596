"""Issue 19 point 6: the household file is personal — members and officers in scope read it (logged),
other persons are refused, the public is asked to sign in; the published 信用村 list is public."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.factories import auth as fa
from tests.factories import rural as rural_factory
from tests.factories.subjects import department, next_ric, person
from xinyong.audit.models import AuditEvent
from xinyong.auth.models import QueryLog
from xinyong.auth.principal import Role
from xinyong.runtime import Runtime


def _household(session: Session, runtime: Runtime) -> tuple[int, int, str]:
    keys = runtime.keys
    head_id, spouse_id = next_ric("331081"), next_ric("331081")
    head = person(session, keys, "陈大", head_id)
    village = rural_factory.village(session, keys, region="331081", township="城东街道")
    home = rural_factory.household(
        session, keys, village.id, [(head_id, "陈大"), (spouse_id, "林小")], name="陈大户"
    )
    return home.id, head.id, head_id


def _logged(session: Session, household_id: int) -> list[QueryLog]:
    return list(
        session.scalars(
            select(QueryLog).where(QueryLog.subject_id == household_id, QueryLog.what == "household_file")
        )
    )


def test_a_member_reads_the_household_file_and_the_read_is_logged(
    client: TestClient, session: Session, runtime: Runtime
) -> None:
    home_id, head_subject, head_id = _household(session, runtime)
    member = fa.account(session, Role.SUBJECT, subject_id=head_subject)
    session.commit()
    fa.login(client, member)
    resp = client.get(f"/api/v1/rural/households/{home_id}")
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["name"] == "陈大户"
    assert body["rating"]["level_name"] == "信用户"
    assert [m["relation"] for m in body["members"]] == ["户主", "配偶"]
    assert [m["registered"] for m in body["members"]] == [True, False]
    assert head_id not in resp.text
    assert body["members"][0]["id_masked"] == head_id[:6] + "********" + head_id[-4:]
    assert body["village"]["township"] == "城东街道"
    assert body["basis"] == "self"
    logs = _logged(session, home_id)
    assert len(logs) == 1
    assert logs[0].basis == "self"


def test_other_persons_and_the_public_are_refused(
    client: TestClient, session: Session, runtime: Runtime
) -> None:
    home_id, _, _ = _household(session, runtime)
    stranger = person(session, runtime.keys, "路人", next_ric("331081"))
    other = fa.account(session, Role.SUBJECT, subject_id=stranger.id)
    bank = fa.account(session, Role.BANK, organisation="台州银行", institution_code="BK-TZYH")
    session.commit()
    assert client.get(f"/api/v1/rural/households/{home_id}").status_code == 401
    fa.login(client, other)
    refused = client.get(f"/api/v1/rural/households/{home_id}")
    assert refused.status_code == 403
    assert refused.json()["code"] == "access.forbidden"
    fa.login(client, bank)
    assert client.get(f"/api/v1/rural/households/{home_id}").status_code == 403
    assert client.get("/api/v1/rural/households/999999999").status_code == 404
    assert _logged(session, home_id) == []


def test_officers_read_within_their_county_only(
    client: TestClient, session: Session, runtime: Runtime
) -> None:
    home_id, _, _ = _household(session, runtime)
    dept = department(session)
    inside = fa.account(session, Role.OFFICER, department_id=dept.id, region_code="331081")
    outside = fa.account(session, Role.OFFICER, department_id=dept.id, region_code="331002")
    session.commit()
    fa.login(client, outside)
    assert client.get(f"/api/v1/rural/households/{home_id}").status_code == 403
    fa.login(client, inside)
    resp = client.get(f"/api/v1/rural/households/{home_id}")
    assert resp.status_code == 200, resp.text
    assert resp.json()["basis"] == "duty"
    assert [log.basis for log in _logged(session, home_id)] == ["duty"]


def test_a_run_is_published_and_only_villages_reach_the_public(
    client: TestClient, session: Session, runtime: Runtime
) -> None:
    home_id, _, _ = _household(session, runtime)
    admin = fa.account(session, Role.ADMIN)
    session.commit()
    period = str(runtime.today().year)
    assert client.get("/api/v1/rural/credit-villages").json()["villages"] == []
    csrf = fa.login(client, admin)
    made = client.post("/api/v1/rural/runs", json={"period": period}, headers={"X-CSRF-Token": csrf})
    assert made.status_code == 201, made.text
    run = made.json()
    assert run["counts"]["household"] >= 1
    assert run["published_at"] is None
    client.cookies.clear()
    assert client.get("/api/v1/rural/credit-villages", params={"period": period}).json()["villages"] == []
    csrf = fa.login(client, admin)
    published = client.post(f"/api/v1/rural/runs/{run['id']}/publish", headers={"X-CSRF-Token": csrf})
    assert published.status_code == 200
    again = client.post(f"/api/v1/rural/runs/{run['id']}/publish", headers={"X-CSRF-Token": csrf})
    assert again.status_code == 409
    households = client.get("/api/v1/rural/results", params={"unit": "household", "period": period}).json()
    assert str(home_id) in {r["key"] for r in households["results"]}
    assert session.scalars(select(AuditEvent).where(AuditEvent.action == "rural.households_read")).first()
    client.cookies.clear()
    public = client.get("/api/v1/rural/credit-villages", params={"period": period})
    assert public.status_code == 200
    listed = public.json()["villages"]
    mine = [v for v in listed if v["township"] == "城东街道"]
    assert mine
    assert mine[0]["households"] >= 1
    assert "陈大" not in public.text
    assert client.get("/api/v1/rural/results", params={"unit": "household"}).status_code == 401
    assert dt.date.fromisoformat(public.json()["as_of"]) <= runtime.today()


def test_a_bad_period_or_day_is_refused_not_a_server_error(client: TestClient, session: Session) -> None:
    admin = fa.account(session, Role.ADMIN)
    session.commit()
    csrf = fa.login(client, admin)
    for body in (
        {"period": "0000"},
        {"period": "2000"},
        {"period": "2026", "as_of": "0001-01-01"},
        {"period": "2026", "as_of": "2025-06-01"},
    ):
        resp = client.post("/api/v1/rural/runs", json=body, headers={"X-CSRF-Token": csrf})
        assert resp.status_code == 422, (body, resp.text)
