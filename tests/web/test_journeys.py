"""Each role's whole job in the system Chromium, signed in only with the demo accounts file's logins.

One live server for the module (the page tests' seed, the registers, and ``create_demo_accounts`` writing
``demo-accounts.json`` as ``make demo`` does). Every step that matters is screenshotted at 1366×768 and
390×844 under test-artifacts/, and at the phone size the page may not overflow sideways nor keep a table.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, FilePayload, Page, expect

from tests.factories import ingest as ingest_fx
from tests.web.browser import DESKTOP, PHONE, TIMEOUT_MS, LiveServer, browser, phone_problems, serving, snap
from xinyong.auth.demo import ACCOUNTS_FILE, DEMO_BANK, create_demo_accounts
from xinyong.db import session_scope
from xinyong.registers.sync import sync_all
from xinyong.runtime import Runtime
from xinyong.web import data

__all__ = ["browser"]  # the fixture used below

pytestmark = pytest.mark.browser
TZ_SCJG_USCC = "11331000042107420B"  # 台州市市场监督管理局 (policy/departments.yaml)
CJK = re.compile(r"[\u4e00-\u9fff]")


def _prepare(runtime: Runtime) -> None:
    """Bring the registers in (the bank list the consent form offers) and create the demo accounts."""
    with session_scope(runtime.sessions) as session:
        sync_all(session, runtime.policy, actor="system:test", on=runtime.today())
    create_demo_accounts(runtime, runtime.settings.var_dir)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """Serve the seeded platform with the demo accounts."""
    with serving(tmp_path_factory.mktemp("journeys"), "journeys", _prepare) as server:
        yield server


@pytest.fixture(scope="module")
def logins(demo: LiveServer) -> dict[str, str]:
    """Return username → password from the demo accounts file (the only logins a newcomer has)."""
    data = json.loads((demo.runtime.settings.var_dir / ACCOUNTS_FILE).read_text("utf-8"))
    return {a["username"]: a["password"] for a in data["accounts"] if a.get("password")}


@pytest.fixture
def new_page(browser: Browser) -> Iterator[Page]:
    """A fresh browser context (no cookies) at desktop size."""
    context = browser.new_context(locale="zh-CN", viewport=DESKTOP, accept_downloads=True)
    pg = context.new_page()
    pg.set_default_timeout(TIMEOUT_MS)
    try:
        yield pg
    finally:
        context.close()


def sign_in(pg: Page, server: LiveServer, logins: dict[str, str], username: str) -> None:
    """Sign in through the login page with a demo account; land on the role's own home."""
    pg.goto(server.url + "/login")
    pg.get_by_label("用户名").fill(username)
    pg.get_by_label("密码").fill(logins[username])
    pg.get_by_role("button", name="登录").click()
    expect(pg).not_to_have_url(re.compile(r"/login"))


def _download(pg: Page, click: object) -> bytes:
    with pg.expect_download() as info:
        click()  # type: ignore[operator]
    path = info.value.path()
    assert path is not None
    return Path(path).read_bytes()


def test_citizen_searches_opens_the_file_and_downloads_the_public_report(
    new_page: Page, demo: LiveServer
) -> None:
    pg, firm = new_page, demo.seeded.firm
    pg.goto(demo.url + "/")
    snap(pg, "citizen-1-home")
    pg.get_by_label("主体名称或统一社会信用代码").fill("宏达")
    pg.keyboard.press("Enter")
    expect(pg.get_by_role("link", name=firm.name)).to_be_visible()
    snap(pg, "citizen-2-search")
    pg.get_by_role("link", name=firm.name).click()
    expect(pg.get_by_role("heading", level=1)).to_have_text(firm.name)
    expect(pg.locator(f'[data-record-id="{demo.seeded.penalty.id}"]')).to_contain_text(
        "台市监处罚〔2026〕101号"
    )
    expect(pg.get_by_text("台税欠〔2026〕9号")).to_have_count(0)  # not public
    snap(pg, "citizen-3-file")
    pdf = _download(pg, pg.get_by_role("button", name=re.compile("下载公共信用报告")).click)
    assert pdf.startswith(b"%PDF")
    pg.goto(demo.url + "/publicity/penalties")
    expect(pg.get_by_role("heading", level=1)).to_be_visible()
    snap(pg, "citizen-4-publicity")
    pg.goto(demo.url + "/")
    pg.locator('a.tile[href^="/lists/"]').first.click()
    expect(pg.get_by_role("heading", level=1)).to_be_visible()
    snap(pg, "citizen-5-lists")


def test_company_files_a_repair_and_an_objection_and_follows_them(
    new_page: Page, browser: Browser, demo: LiveServer, logins: dict[str, str]
) -> None:
    pg, seeded = new_page, demo.seeded
    sign_in(pg, demo, logins, "company")
    pg.goto(demo.url + "/me")
    expect(pg.get_by_role("heading", level=1)).to_be_visible()
    snap(pg, "company-1-my-file")
    record = pg.locator(f'[data-record-id="{seeded.penalty.id}"]')
    record.get_by_role("link", name=re.compile("申请信用修复")).click()
    expect(pg.get_by_text("该记录符合申请条件")).to_be_visible()
    guide = _download(pg, pg.get_by_role("link", name="信用修复申请指引（PDF）").click)
    assert guide.startswith(b"%PDF")
    pg.get_by_label("本主体已履行法定义务、纠正失信行为").check()
    pg.get_by_label("我已阅读并在线签署上述承诺书").check()
    pg.get_by_label(re.compile("证明材料")).set_input_files(
        files=[FilePayload(name="缴款凭证.pdf", mimeType="application/pdf", buffer=b"%PDF-1.4 receipt")]
    )
    pg.get_by_label("情况说明").fill("罚款已缴清，年度报告已补报。")
    snap(pg, "company-2-repair-form")
    pg.get_by_role("button", name="提交申请").click()
    expect(pg.locator("#case-state")).to_have_text("已提交待受理")
    repair_id = pg.url.rstrip("/").rsplit("/", 1)[-1]
    snap(pg, "company-3-repair-status")
    pg.goto(demo.url + "/me/repairs")
    expect(pg.get_by_text("已提交待受理")).to_be_visible()
    snap(pg, "company-4-repairs")

    pg.goto(demo.url + f"/me/objections/new?record_id={seeded.shared.id}")
    pg.get_by_label("异议理由").select_option(index=1)
    pg.get_by_label("具体说明").fill("欠税已于本月缴清，请核实后更正。")
    pg.get_by_label("联系人").fill("王建国")
    pg.get_by_label(re.compile("联系电话")).fill("0576-88888888")
    snap(pg, "company-5-objection-form")
    pg.get_by_role("button", name="提交异议").click()
    expect(pg.get_by_role("heading", level=1)).to_have_text("我的异议")
    expect(pg.locator("main")).to_contain_text("台税欠〔2026〕9号")
    expect(pg.locator("main")).to_contain_text("已提交待受理")
    snap(pg, "company-6-objections")

    _officer_decides(browser, demo, logins, repair_id)
    pg.goto(demo.url + f"/me/repairs/{repair_id}")
    expect(pg.locator("#case-state")).to_have_text("准予修复")
    snap(pg, "company-7-repair-decided")
    decision = _download(pg, pg.get_by_role("link", name="信用修复决定书（PDF）").click)
    assert decision.startswith(b"%PDF")
    pg.goto(demo.url + "/me/objections")
    expect(pg.locator("main")).to_contain_text("台税欠〔2026〕9号")
    snap(pg, "company-8-objection-handled")


def _officer_decides(browser: Browser, demo: LiveServer, logins: dict[str, str], repair_id: str) -> None:
    """The department accepts and approves the repair (confirmed), and takes up and answers the objection."""
    context = browser.new_context(locale="zh-CN", viewport=DESKTOP)
    pg = context.new_page()
    try:
        sign_in(pg, demo, logins, "officer")
        pg.goto(demo.url + "/console/queue")
        pg.locator(f'[data-case="repair-{repair_id}"]').get_by_role("link", name=repair_id).click()
        pg.get_by_role("button", name="受理").click()
        expect(pg.locator("#case-state")).to_have_text("已受理待决定")
        pg.get_by_label("准予修复").check()
        pg.get_by_label("决定理由").fill("已缴清罚款并补报年度报告，准予修复。")
        pg.get_by_label("我已核对上述内容，确认作出该决定（决定作出后不可撤销）").check()
        snap(pg, "officer-repair-decide")
        pg.get_by_role("button", name="作出决定").click()
        expect(pg.locator("#case-state")).to_have_text("准予修复")
        snap(pg, "officer-repair-decided")
        pg.goto(demo.url + "/console/queue")
        pg.locator('[data-case^="objection-"] a').first.click()
        expect(pg.get_by_role("heading", level=1)).to_be_visible()
        snap(pg, "officer-objection-case")
        pg.get_by_role("button", name="受理").click()
        pg.get_by_label("处理结果").select_option(label="异议不成立，维持原记录")
        pg.get_by_label("理由", exact=True).fill("经核实，欠税已缴清，信息予以处理。")
        pg.get_by_label("我已核对上述内容，确认作出该决定（决定作出后不可撤销）").check()
        pg.get_by_role("button", name="作出处理").click()
        expect(pg.get_by_role("heading", level=1)).to_be_visible()
        snap(pg, "officer-objection-decided")
    finally:
        context.close()


def test_officer_uploads_follows_progress_and_reads_the_rejects(
    new_page: Page, demo: LiveServer, logins: dict[str, str], tmp_path: Path
) -> None:
    pg, seeded = new_page, demo.seeded
    rows = [
        ingest_fx.penalty(
            seeded.other.name, seeded.other.uscc or "", "台市监罚〔2026〕71号", dept_uscc=TZ_SCJG_USCC
        ),
        ingest_fx.penalty(
            "坏代码有限公司", "91331081MA2XXXXX0X", "台市监罚〔2026〕72号", dept_uscc=TZ_SCJG_USCC
        ),
    ]
    path = ingest_fx.write_csv(tmp_path / "行政处罚.csv", rows, encoding="gb18030")
    sign_in(pg, demo, logins, "officer")
    snap(pg, "officer-1-console")
    pg.goto(demo.url + "/console/ingest/upload")
    pg.get_by_label("数据源").select_option("xzcf")
    pg.get_by_label("文件", exact=True).set_input_files(str(path))
    snap(pg, "officer-2-upload")
    pg.get_by_role("button", name="预览").click()
    expect(pg.get_by_text("坏代码有限公司").first).to_be_visible()
    snap(pg, "officer-3-preview")
    pg.get_by_role("button", name="确认入库").click()
    status = pg.locator("#upload-status")
    expect(status).to_have_attribute("data-state", "done")
    expect(status).to_contain_text("入库完成")
    snap(pg, "officer-4-result")
    data = _download(pg, status.locator("[data-rejects]").click)
    table = list(csv.reader(io.StringIO(data.decode("gb18030"))))
    header, body = table[0], table[1:]
    assert "错误说明" in header, header
    errors = [row[header.index("错误说明")] for row in body]
    assert any("坏代码有限公司" in ",".join(row) for row in body)
    assert errors
    assert all(CJK.search(e) for e in errors), errors
    assert not any(re.search(r"[A-Za-z_]{3,}\.[a-z_]{3,}", e) for e in errors), errors  # no raw codes
    pg.goto(demo.url + "/console/queue")
    snap(pg, "officer-5-queue")


def test_bank_sees_what_the_company_consented_to(
    new_page: Page, browser: Browser, demo: LiveServer, logins: dict[str, str]
) -> None:
    pg, firm = new_page, demo.seeded.firm
    sign_in(pg, demo, logins, "company")
    pg.goto(demo.url + "/me/authorisations")
    pg.get_by_label("被授权机构").select_option(label=f"{DEMO_BANK}（银行）")
    pg.get_by_label("查询用途").fill("流动资金贷款审批")
    pg.get_by_label("截止日期").fill((demo.runtime.today() + dt.timedelta(days=90)).isoformat())
    snap(pg, "bank-1-consent-form")
    pg.get_by_role("button", name="授权", exact=True).click()
    expect(pg.locator("main")).to_contain_text("有效")
    snap(pg, "bank-2-consent-granted")

    context = browser.new_context(locale="zh-CN", viewport=DESKTOP)
    bank = context.new_page()
    try:
        sign_in(bank, demo, logins, "bank")
        expect(bank).to_have_url(re.compile(r"/bank$"))
        snap(bank, "bank-3-workspace")
        bank.get_by_label("统一社会信用代码").fill(firm.uscc or "")
        bank.get_by_role("button", name="查找").click()
        expect(bank.get_by_role("heading", level=1)).to_have_text(firm.name)
        expect(bank.locator("main")).to_contain_text("授权范围")
        # the licence: no other journey changes it (the company's repair may end the penalty's use)
        expect(bank.locator("main")).to_contain_text("台市监许〔2026〕55号")
        snap(bank, "bank-4-borrower")
    finally:
        context.close()


MENU_ROLES = {"admin": "admin", "supervisor": "supervisor", "auditor": "auditor"}


@pytest.mark.parametrize("role", list(MENU_ROLES))
def test_dashboards_and_every_menu_item(
    new_page: Page, demo: LiveServer, logins: dict[str, str], role: str
) -> None:
    pg = new_page
    sign_in(pg, demo, logins, MENU_ROLES[role])
    pg.goto(demo.url + "/console")
    expect(pg.get_by_role("heading", level=1)).to_be_visible()
    snap(pg, f"{role}-1-console")
    menu = pg.locator(".side-nav a")
    hrefs = [h for h in menu.evaluate_all("els => els.map(e => e.getAttribute('href'))") if h]
    assert hrefs, "the role has a menu"
    for n, href in enumerate([h for h in dict.fromkeys(hrefs) if h != "/console"], start=2):
        resp = pg.goto(demo.url + href)
        assert resp is not None
        assert resp.status == 200, f"{href} → {resp.status}"
        expect(pg.get_by_role("heading", level=1)).to_be_visible()
        snap(pg, f"{role}-{n}-{href.strip('/').replace('/', '-') or 'home'}")


PHONE_PAGES = {
    None: [
        "/",
        "/search?q=宏达",
        "/subjects/{uscc}",
        "/publicity/penalties",
        "/publicity/licences",
        "/commitments",
    ],
    "company": ["/me", "/me/repairs", "/me/objections", "/me/authorisations", "/me/queries"],
    "officer": ["/console/queue", "/console/ingest", "/console/ingest/upload", "/console/unresolved"],
    "admin": ["/console/queue", "/console/subjects"],
}


@pytest.mark.parametrize("who", list(PHONE_PAGES), ids=lambda w: w or "public")
def test_portal_and_work_queues_fit_a_phone(
    browser: Browser, demo: LiveServer, logins: dict[str, str], who: str | None
) -> None:
    """Opened on a phone (390×844) from the start: nothing wider than the screen, every table as cards."""
    context = browser.new_context(locale="zh-CN", viewport=PHONE, is_mobile=True, has_touch=True)
    pg = context.new_page()
    pg.set_default_timeout(TIMEOUT_MS)
    try:
        if who:
            sign_in(pg, demo, logins, who)
        lists = [f"/lists/{key}" for key in data.LIST_TYPES] if who is None else []
        problems = {}
        for path in [*PHONE_PAGES[who], *lists]:
            resp = pg.goto(demo.url + path.format(uscc=demo.seeded.firm.uscc))
            assert resp is not None
            assert resp.status == 200, path
            pg.wait_for_load_state("networkidle")  # lazily loaded parts (htmx) are in
            if found := phone_problems(pg):
                problems[path] = found
        assert not problems, problems
    finally:
        context.close()
