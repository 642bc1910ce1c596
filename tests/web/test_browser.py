"""The portal and the console in the system Chromium against a real server."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.web.browser import LiveServer, browser, live_server, page, shot
from tests.web.seed import PASSWORD

__all__ = ["browser", "live_server", "page"]  # fixtures used by the tests below

pytestmark = pytest.mark.browser


def sign_in(page: Page, server: LiveServer, username: str, target: str) -> None:
    """Sign in through the form, starting from a protected page."""
    page.goto(server.url + target)
    expect(page).to_have_url(re.compile(r"/login\?next="))
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(re.compile(re.escape(target) + "$"))


def test_search_then_subject_page(page: Page, live_server: LiveServer) -> None:
    firm = live_server.seeded.firm
    page.goto(live_server.url + "/")
    expect(page).to_have_title("首页 · 信用台州")
    page.get_by_label("主体名称或统一社会信用代码").fill("宏达")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/search\?q="))
    expect(page.get_by_role("link", name=firm.name)).to_be_visible()
    shot(page, "portal-search")
    page.get_by_role("link", name=firm.name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(firm.name)
    penalty = page.locator(f'[data-record-id="{live_server.seeded.penalty.id}"]')
    expect(penalty).to_contain_text("台市监处罚〔2026〕101号")
    expect(penalty.locator(".mark-objection")).to_have_text("异议中")
    expect(page.get_by_text("台税欠〔2026〕9号")).to_have_count(0)
    shot(page, "portal-subject")


def test_htmx_search_updates_results_in_place(page: Page, live_server: LiveServer) -> None:
    page.goto(live_server.url + "/search")
    page.wait_for_function("window.htmx !== undefined")
    page.get_by_label("主体名称或统一社会信用代码").fill("温岭市宏达")
    page.get_by_role("button", name="查询").click()
    expect(page.locator("#results")).to_contain_text(live_server.seeded.other.name)
    expect(page).to_have_url(re.compile(r"q=%E6%B8%A9"))


def test_skip_link_is_first_in_keyboard_order(page: Page, live_server: LiveServer) -> None:
    page.goto(live_server.url + "/publicity/penalties")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "跳到主要内容"
    expect(page.locator(".skip-link")).to_be_in_viewport()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_sign_in_then_dashboard_with_charts(page: Page, live_server: LiveServer) -> None:
    sign_in(page, live_server, "scjg-officer", "/console")
    expect(page.get_by_role("heading", level=1)).to_contain_text("归集概览")
    charts = page.locator("[data-chart] svg")
    expect(charts).to_have_count(3)
    bars = page.locator("#chart-by-dept-box svg path")
    assert bars.count() > 3
    expect(page.locator("#chart-by-dept-box")).to_contain_text(live_server.seeded.department.name)
    shot(page, "console-dashboard")


def test_chinese_text_renders_with_the_cjk_font(page: Page, live_server: LiveServer) -> None:
    page.goto(live_server.url + "/")
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")
    node = cdp.send("DOM.querySelector", {"nodeId": root["root"]["nodeId"], "selector": "h1"})
    fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node["nodeId"]})["fonts"]
    used = {f["familyName"] for f in fonts}
    assert any("CJK" in name for name in used), used
