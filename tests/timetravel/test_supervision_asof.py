"""GET /api/v1/subjects/{code}/supervision?on=&known=: the class the platform answered then."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.factories import auth as fa
from tests.factories import sanctions as f
from tests.factories.subjects import enterprise
from xinyong.auth.principal import Role
from xinyong.evaluation import service as evaluation_service
from xinyong.runtime import Runtime


def test_supervision_class_as_known_then(client: TestClient, session: Session, runtime: Runtime) -> None:
    firm = enterprise(session, runtime.keys, established_on=dt.date(2015, 1, 1))
    dept = f.department(session, "TZ-SCJG")
    first = evaluation_service.run_evaluation(session, runtime.policy, dt.date(2026, 1, 31), actor="test")
    first.finished_at = dt.datetime(2026, 2, 1, 2, tzinfo=dt.UTC)  # finished back then
    f.listed(session, firm, decided=dt.date(2026, 3, 1))  # 严重失信: a veto on the grade
    second = evaluation_service.run_evaluation(session, runtime.policy, dt.date(2026, 10, 31), actor="test")
    admin = fa.api_key(session, Role.ADMIN)
    session.commit()
    url = f"/api/v1/subjects/{firm.uscc}/supervision"
    headers = {"Authorization": f"Bearer {admin}"}
    now = client.get(url, params={"department": dept.code}, headers=headers).json()
    then = client.get(
        url, params={"department": dept.code, "on": "2026-06-01", "known": "2026-06-01"}, headers=headers
    ).json()
    assert now["run_id"] == second.id
    assert then["run_id"] == first.id
    assert then["grade"] != now["grade"]
    assert then["known_at"].startswith("2026-06-01T15:59:59")
    assert then["as_of"] == "2026-06-01"
