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
from xinyong.web import console_data

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

    def option(chart_id: str) -> dict:  # type: ignore[type-arg]
        found = re.search(rf'<script type="application/json" id="{chart_id}">(.*?)</script>', page.text, re.S)
        assert found, chart_id
        return json.loads(found.group(1))  # type: ignore[no-any-return]

    org = "tz-enterprise"  # the organisation scale (enterprises, individual businesses, …) has its own charts
    assert f'data-chart="chart-grade-county-{org}"' in page.text
    assert f'data-chart="chart-grade-industry-{org}"' in page.text
    county = option(f"chart-grade-county-{org}")
    assert "温岭市" in county["yAxis"]["data"]
    assert sum(sum(s["data"]) for s in county["series"]) >= 2  # the two firms are graded
    # grades by rank from the lowest (not by character code), the colours running from red to green
    assert [s["name"] for s in county["series"]] == ["较差", "中等", "良好", "优秀"]
    colours = [s["itemStyle"]["color"] for s in county["series"]]
    assert colours[0] == console_data.GRADE_RAMP[0]
    assert colours[-1] == console_data.GRADE_RAMP[-1]
    overall = option(f"chart-grade-overall-{org}")
    assert overall["xAxis"]["data"] == ["较差", "中等", "良好", "优秀"]
    # a natural person's grades never share a bar with the organisations'
    person_grades = {"信用待提高", "信用一般", "信用良好", "信用优秀", "信用极好"}
    for chart_id in re.findall(r'data-chart="(chart-grade-[a-z]+-[a-z-]+)"', page.text):
        names = {s.get("name") for s in option(chart_id)["series"]} | set(
            option(chart_id)["xAxis"].get("data", [])
        )
        assert not (names & person_grades and names & {"较差", "中等", "良好", "优秀"}), chart_id
    assert "稳定性（PSI" in page.text


def test_charts_split_by_scale_even_for_a_run_stored_without_per_model_counts() -> None:
    from xinyong.evaluation.calibration import by_scale
    from xinyong.evaluation.service import models_of
    from xinyong.policy.loader import load_policy
    from xinyong.settings import ROOT

    old = {
        "by_model": {"tz-enterprise": {"良好": 3, "优秀": 1}, "tz-natural-person": {"信用良好": 5}},
        "by_county": {"温岭市": {"良好": 3, "优秀": 1, "信用良好": 5}},
        "by_industry": {},
    }
    scales = {s.key: s for s in by_scale(old, models_of(load_policy(ROOT / "policy")))}
    assert scales["tz-enterprise"].by_county == {"温岭市": {"良好": 3, "优秀": 1}}
    assert scales["tz-natural-person"].by_county == {"温岭市": {"信用良好": 5}}
    assert scales["tz-natural-person"].grades[0] == "信用待提高"
    assert "自然人" in scales["tz-natural-person"].label
