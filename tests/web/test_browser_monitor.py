"""信用大脑 in the system Chromium: the dashboard draws Taizhou's nine counties; an officer works an alert."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import Page, expect

from tests.factories import sanctions as f
from tests.web.browser import LiveServer, browser, live_server, page, shot
from tests.web.seed import PASSWORD
from xinyong.db import session_scope
from xinyong.monitoring.service import run_monitor
from xinyong.subjects.models import Subject

__all__ = ["browser", "live_server", "page"]

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def alerted(live_server: LiveServer) -> LiveServer:
    """Give the seeded firm a serious penalty and run the monitor once."""
    rt = live_server.runtime
    with session_scope(rt.sessions) as session:
        firm = session.get(Subject, live_server.seeded.firm.id)
        assert firm is not None
        f.record(
            session,
            firm,
            severity="严重",
            decided=rt.today() - dt.timedelta(days=2),
            dept=live_server.seeded.department.code,
        )
        run_monitor(session, rt.policy, on=rt.today(), actor="test", full=True)
    return live_server


def _sign_in(pg: Page, server: LiveServer, username: str, target: str) -> None:
    pg.goto(server.url + target)
    pg.get_by_label("用户名").fill(username)
    pg.get_by_label("密码").fill(PASSWORD)
    pg.get_by_role("button", name="登录").click()
    expect(pg).to_have_url(re.compile(re.escape(target) + "$"))


def test_the_dashboard_draws_the_nine_counties(page: Page, alerted: LiveServer) -> None:
    page.set_viewport_size({"width": 1920, "height": 1080})
    _sign_in(page, alerted, "centre-admin", "/console/screen")
    expect(page.get_by_role("heading", level=1)).to_have_text("城市信用大屏")
    box = page.locator("#chart-map-box")
    expect(box.locator("svg")).to_have_count(1)
    for county in ("椒江区", "临海市", "玉环市", "仙居县"):
        expect(box).to_contain_text(county)
    assert box.locator("svg path").count() >= 9
    shot(page, "console-screen-wall")


def test_an_officer_verifies_an_alert_in_place(page: Page, alerted: LiveServer) -> None:
    _sign_in(page, alerted, "scjg-officer", "/console/alerts")
    row = page.locator("tr", has_text=alerted.seeded.firm.name).first
    expect(row).to_contain_text("新增严重行政处罚")
    row.get_by_role("button", name="核实属实").click()
    expect(page.locator("tr", has_text=alerted.seeded.firm.name).first).to_contain_text("已核实")
    shot(page, "console-alerts")
