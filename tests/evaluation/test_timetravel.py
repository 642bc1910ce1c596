"""Issue 22: a score as of a past day with what was known then; the explicit answer when no model was in force."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.factories import auth as fa
from tests.factories import records as fr
from tests.factories import subjects as fs
from xinyong.auth.principal import Principal, Role
from xinyong.evaluation import service
from xinyong.policy.loader import Policy
from xinyong.records.asof import end_of_day
from xinyong.runtime import Runtime

K = dt.date(2025, 6, 1)
CENTRE = Principal(role=Role.ADMIN, username="test")


def at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(2), tzinfo=dt.UTC)


def _answer(body: dict[str, object]) -> dict[str, object]:
    return {k: v for k, v in body.items() if k not in ("known_at", "stored")}


def _penalties(body: dict[str, Any]) -> list[int]:
    return [r for c in body["contributions"] if c["indicator"] == "penalty_general_36m" for r in c["records"]]


def test_score_as_known_on_a_past_day_equals_the_answer_then(
    session: Session, runtime: Runtime, policy: Policy
) -> None:
    firm = fs.enterprise(session, runtime.keys, established_on=dt.date(2015, 1, 1))
    dept = fs.department(session, "TZ-SCJG")
    penalty = fr.record(
        session, policy, firm, dept, decision_on=dt.date(2025, 3, 1), received_at=at(dt.date(2025, 3, 5))
    )
    then = service.explain(session, policy, firm, CENTRE, K, today=K)
    # afterwards: a penalty decided before K but reported late, and a repair back-dated before K
    late = fr.record(
        session, policy, firm, dept, decision_on=dt.date(2025, 4, 1), received_at=at(dt.date(2025, 7, 1))
    )
    fr.event(session, penalty, "repaired", dt.date(2025, 5, 1), recorded_at=at(dt.date(2025, 8, 1)))
    tz = runtime.settings.timezone
    replay = service.explain(session, policy, firm, CENTRE, K, today=K, known_at=end_of_day(K, tz))
    assert _answer(replay) == _answer(then)
    assert _penalties(then) == [penalty.id]
    # the corrected history counts the late penalty, not the repaired one
    assert _penalties(service.explain(session, policy, firm, CENTRE, K, today=K)) == [late.id]


def test_no_model_in_force_before_the_models_took_effect(
    client: TestClient, session: Session, runtime: Runtime
) -> None:
    firm = fs.enterprise(session, runtime.keys, uscc=fs.next_uscc("331002"))
    admin = fa.account(session, Role.ADMIN)
    session.commit()
    fa.login(client, admin)
    resp = client.get(f"/api/v1/subjects/{firm.uscc}/evaluation", params={"on": "2021-09-01"})
    assert resp.status_code == 404
    body = resp.json()
    assert body["code"] == "evaluation.no_model_in_force"
    # the enterprise model of policy/models/ takes effect on 2024-01-01: the answer names it and the day
    assert "2021-09-01 没有施行中的评价模型" in body["message"]
    assert "台州市企业公共信用评价模型（2026.2）自 2024-01-01 起施行" in body["message"]
    ok = client.get(f"/api/v1/subjects/{firm.uscc}/evaluation", params={"on": "2024-01-01"})
    assert ok.status_code == 200, ok.text
    assert ok.json()["known_at"].startswith("2024-01-01T15:59:59")
    bad = client.get(f"/api/v1/subjects/{firm.uscc}/evaluation", params={"on": "2024-01-01", "known": "x"})
    assert bad.status_code == 422
    assert bad.json()["code"] == "asof.bad_known"


def test_only_the_centre_and_audit_read_the_past_as_then_known(
    client: TestClient, session: Session, runtime: Runtime
) -> None:
    firm = fs.enterprise(session, runtime.keys, uscc=fs.next_uscc("331002"))
    dept = fs.department(session, "TZ-SCJG")
    officer = fa.account(session, Role.OFFICER, department_id=dept.id, region_code="331002")
    session.commit()
    fa.login(client, officer)
    url = f"/api/v1/subjects/{firm.uscc}/evaluation"
    assert client.get(url, params={"on": "2025-01-01", "known": "2025-01-01"}).status_code == 403
    assert client.get(url, params={"on": "2025-01-01"}).json()["known_at"] is None
