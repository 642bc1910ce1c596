"""Console policy simulation over HTTP: start the shipped proposal, read its matrix and county charts."""

from __future__ import annotations

import json
import re

from fastapi.testclient import TestClient

from tests.web.conftest import HTML, form_token, sign_in
from tests.web.seed import PASSWORD, Seeded


def test_the_credit_centre_simulates_the_shipped_proposal(client: TestClient, seeded: Seeded) -> None:
    sign_in(client, "centre-admin", PASSWORD)
    index = client.get("/console/simulations", headers=HTML)
    assert index.status_code == 200
    assert "2027 年企业公共信用评价模型" in index.text
    assert "尚无模拟" in index.text
    token = form_token(index.text)
    started = client.post(
        "/console/simulations",
        data={"csrf_token": token, "proposal": "2027-model", "on": ""},
        headers=HTML,
        follow_redirects=False,
    )
    assert started.status_code == 303, started.text
    page = client.get(started.headers["location"], headers=HTML)
    assert page.status_code == 200
    assert "等级迁移矩阵" in page.text
    assert "2027-01-01" in page.text  # the proposal's effective date is the default day
    found = re.search(
        r'<script type="application/json" id="chart-sim-grades">(.*?)</script>', page.text, re.S
    )
    assert found
    chart = json.loads(found.group(1))
    assert "温岭市" in chart["yAxis"]["data"]
    assert [s["name"] for s in chart["series"]] == ["上升", "下降", "其他变化"]
    assert "最近的模拟" in client.get("/console/simulations", headers=HTML).text


def test_an_unknown_proposal_is_refused_in_chinese(client: TestClient, seeded: Seeded) -> None:
    sign_in(client, "centre-admin", PASSWORD)
    token = form_token(client.get("/console/simulations", headers=HTML).text)
    got = client.post("/console/simulations", data={"csrf_token": token, "proposal": "nope"}, headers=HTML)
    assert got.status_code == 422
    assert "没有提案 nope" in got.text


def test_other_roles_may_not_simulate(client: TestClient, seeded: Seeded) -> None:
    sign_in(client, "scjg-officer", PASSWORD)
    assert client.get("/console/simulations", headers=HTML).status_code == 403
    assert "政策影响模拟" not in client.get("/console", headers=HTML).text
