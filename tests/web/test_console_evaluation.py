"""Console evaluation overview over HTTP: grade distribution charts and PSI."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.web.conftest import HTML, sign_in
from tests.web.seed import PASSWORD, Seeded
from xinyong.runtime import Runtime

pytest.importorskip("xinyong.evaluation.service", reason="信用评价（issue 5）尚未合并")

from xinyong.evaluation import service as evaluation_service


def test_evaluation_overview_charts_and_psi(
    client: TestClient, seeded: Seeded, session: Session, runtime: Runtime
) -> None:
    sign_in(client, "centre-admin", PASSWORD)
    assert "尚无评价批次" in client.get("/console/evaluation", headers=HTML).text
    evaluation_service.run_evaluation(session, runtime.policy, dt.date(2026, 9, 30), actor="test")
    evaluation_service.run_evaluation(session, runtime.policy, dt.date(2026, 10, 31), actor="test")
    page = client.get("/console/evaluation", headers=HTML)
    assert 'data-chart="chart-grade-county"' in page.text
    assert 'data-chart="chart-grade-industry"' in page.text
    option = re.search(
        r'<script type="application/json" id="chart-grade-county">(.*?)</script>', page.text, re.S
    )
    assert option
    county = json.loads(option.group(1))
    assert "温岭市" in county["yAxis"]["data"]
    assert sum(sum(s["data"]) for s in county["series"]) >= 2  # the two firms are graded
    assert "稳定性（PSI" in page.text
