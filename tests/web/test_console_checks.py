"""Console check log and feedback compliance over HTTP."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.web.conftest import HTML, sign_in
from tests.web.seed import PASSWORD, Seeded
from xinyong.auth.principal import Principal, Role
from xinyong.runtime import Runtime

pytest.importorskip("xinyong.sanctions.service", reason="联合奖惩核查（issue 6）尚未合并")

from xinyong.sanctions import service as check_service
from xinyong.sanctions.resolve import Query


def test_check_log_and_compliance(
    client: TestClient, seeded: Seeded, session: Session, runtime: Runtime
) -> None:
    ctx = check_service.CheckContext(
        principal=_officer(seeded), scenario="government_procurement", on=dt.date(2026, 10, 1)
    )
    check_service.check(session, runtime.policy, runtime.keys, [Query(code=seeded.other.uscc)], ctx)
    sign_in(client, "scjg-officer", PASSWORD)
    page = client.get("/console/checks", headers=HTML)
    assert page.status_code == 200
    assert "government_procurement" in page.text
    assert "反馈情况" in page.text


def _officer(seeded: Seeded) -> Principal:
    return Principal(role=Role.OFFICER, username="scjg-officer", department_id=seeded.department.id)
