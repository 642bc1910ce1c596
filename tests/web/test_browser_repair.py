"""In the browser: a subject files a repair, the department accepts and approves it, the record leaves
the public page (its own module, so the other browser tests keep their record)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import FilePayload, Page, expect

from tests.web.browser import LiveServer, browser, live_server, page, shot
from tests.web.test_browser import sign_in

__all__ = ["browser", "live_server", "page"]  # fixtures used by the test below

pytestmark = pytest.mark.browser


def test_repair_reaches_the_queue_and_approval_ends_publication(page: Page, live_server: LiveServer) -> None:
    seeded = live_server.seeded
    penalty_no = "台市监处罚〔2026〕101号"
    page.goto(f"{live_server.url}/subjects/{seeded.firm.uscc}")
    expect(page.locator(f'[data-record-id="{seeded.penalty.id}"]')).to_contain_text(penalty_no)

    sign_in(page, live_server, "hongda", "/me")
    page.locator(f'[data-record-id="{seeded.penalty.id}"]').get_by_role("link", name="申请信用修复").click()
    expect(page.get_by_text("该记录符合申请条件")).to_be_visible()
    page.get_by_label("本主体已履行法定义务、纠正失信行为").check()
    page.get_by_label("我已阅读并在线签署上述承诺书").check()
    page.get_by_label(re.compile("证明材料")).set_input_files(
        files=[FilePayload(name="缴款凭证.pdf", mimeType="application/pdf", buffer=b"%PDF-1.4 receipt")]
    )
    page.get_by_label("情况说明").fill("罚款已缴清，年度报告已补报。")
    shot(page, "repair-form")
    page.get_by_role("button", name="提交申请").click()
    expect(page.locator("#case-state")).to_have_text("已提交待受理")
    case_id = page.url.rstrip("/").rsplit("/", 1)[-1]
    shot(page, "repair-submitted")
    page.get_by_role("button", name="退出").click()
    expect(page.get_by_role("link", name="登录")).to_be_visible()  # signed out before going on

    sign_in(page, live_server, "scjg-officer", "/console/queue")
    row = page.locator(f'[data-case="repair-{case_id}"]')
    expect(row).to_contain_text(seeded.firm.name)
    expect(row).to_contain_text("已提交待受理")
    shot(page, "console-queue")
    row.get_by_role("link", name=case_id).click()
    page.get_by_role("button", name="受理").click()
    expect(page.locator("#case-state")).to_have_text("已受理待决定")
    page.get_by_label("准予修复").check()
    page.get_by_label("决定理由").fill("已履行法定义务并签署承诺书，准予修复。")
    page.get_by_label("我已核对上述内容，确认作出该决定（决定作出后不可撤销）").check()
    page.get_by_role("button", name="作出决定").click()
    expect(page.locator("#case-state")).to_have_text("准予修复")
    shot(page, "repair-approved")

    page.goto(f"{live_server.url}/subjects/{seeded.firm.uscc}")
    expect(page.get_by_role("heading", level=1)).to_have_text(seeded.firm.name)
    expect(page.get_by_text(penalty_no)).to_have_count(0)
    shot(page, "public-after-repair")
