"""Console pages of 信用大脑: alerts handled in place, the timeline, and the dashboard with its live fragment."""

from __future__ import annotations

import datetime as dt
import json
import re

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.factories import sanctions as f
from tests.web.conftest import HTML, form_token, sign_in
from tests.web.seed import PASSWORD, Seeded
from xinyong.monitoring.service import run_monitor
from xinyong.runtime import Runtime


def _alerted(session: Session, runtime: Runtime, seeded: Seeded) -> None:
    f.record(
        session,
        seeded.firm,
        severity="严重",
        decided=runtime.today() - dt.timedelta(days=2),
        dept=seeded.department.code,
    )
    run_monitor(session, runtime.policy, on=runtime.today(), actor="test", full=True)
    session.flush()


def test_an_officer_verifies_then_closes_an_alert(
    client: TestClient, session: Session, runtime: Runtime, seeded: Seeded
) -> None:
    _alerted(session, runtime, seeded)
    sign_in(client, "scjg-officer", PASSWORD)
    page = client.get("/console/alerts", headers=HTML)
    assert page.status_code == 200
    assert seeded.firm.name in page.text
    assert "新增严重行政处罚" in page.text
    alert_id = re.search(r'id="alert-(\d+)"', page.text)
    assert alert_id is not None
    token = form_token(page.text)
    hx = {**HTML, "HX-Request": "true"}  # htmx swaps the row in place
    row = client.post(
        f"/console/alerts/{alert_id[1]}/status", data={"status": "已处置", "csrf_token": token}, headers=hx
    )
    assert "预警须先核实" in row.text  # the rule is the service's, shown in Chinese, nothing changed
    row = client.post(
        f"/console/alerts/{alert_id[1]}/status",
        data={"status": "已核实", "note": "现场核实", "csrf_token": token},
        headers=hx,
    )
    assert "已核实" in row.text
    assert "现场核实" in row.text
    row = client.post(
        f"/console/alerts/{alert_id[1]}/status", data={"status": "已处置", "csrf_token": token}, headers=hx
    )
    assert "badge-ok" in row.text
    forged = client.post(f"/console/alerts/{alert_id[1]}/status", data={"status": "误报"}, headers=HTML)
    assert forged.status_code == 403
    # a form posted before htmx loads (or without JavaScript) lands back on the list, never on a bare row
    plain = client.post(
        f"/console/alerts/{alert_id[1]}/status",
        data={"status": "误报", "csrf_token": token},
        headers=HTML,
        follow_redirects=False,
    )
    assert plain.status_code == 303
    assert plain.headers["location"] == "/console/alerts"


def test_the_timeline_page_orders_the_story(
    client: TestClient, session: Session, runtime: Runtime, seeded: Seeded
) -> None:
    _alerted(session, runtime, seeded)
    sign_in(client, "centre-admin", PASSWORD)
    page = client.get("/console/timeline", params={"code": seeded.firm.uscc}, headers=HTML)
    assert page.status_code == 200
    days = re.findall(r'<time datetime="([\d-]+)"', page.text)
    assert days == sorted(days)
    assert len(days) >= 3
    assert "风险预警" in page.text
    only = client.get("/console/timeline", params={"code": seeded.firm.uscc, "kinds": "alert"}, headers=HTML)
    assert 'class="timeline-record"' not in only.text
    assert 'class="timeline-alert"' in only.text
    missing = client.get("/console/timeline", params={"code": "91331000MA00000000"}, headers=HTML)
    assert "未找到该信用主体" in missing.text


def test_the_dashboard_maps_the_counties_and_refreshes(
    client: TestClient, session: Session, runtime: Runtime, seeded: Seeded
) -> None:
    _alerted(session, runtime, seeded)
    sign_in(client, "centre-admin", PASSWORD)
    page = client.get("/console/screen", headers=HTML)
    assert page.status_code == 200
    assert "/static/vendor/taizhou-map.js" in page.text
    assert 'hx-trigger="every 30s"' in page.text
    found = re.search(r'<script type="application/json" id="chart-map">(.*?)</script>', page.text, re.S)
    assert found, "page has no map data"
    option = json.loads(found[1])
    names = [d["name"] for d in option["series"][0]["data"]]
    assert len(names) == 9
    assert "玉环市" in names
    assert sum(d["value"] for d in option["series"][0]["data"]) >= 1
    live = client.get("/console/screen/live", headers=HTML)
    assert live.status_code == 200
    assert "当前有效预警" in live.text
    assert "<html" not in live.text
