"""双公示 and 名单 pages like 信用中国: keyword and filters in the query, page links that keep them, XLSX download."""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.factories import subjects as subject_factory
from tests.web.conftest import HTML
from tests.web.seed import Seeded, record
from xinyong.departments.models import Department
from xinyong.runtime import Runtime
from xinyong.subjects.models import Subject

DOC = re.compile(r"台[^\s<>]*?〔2026〕\d+号")


@dataclass
class Extra:
    """A second county's firm with many penalties from another department, one with a formula document number."""

    firm: Subject
    formula_doc: str


@pytest.fixture
def extra(session: Session, runtime: Runtime, seeded: Seeded) -> Extra:
    env = session.scalar(select(Department).where(Department.code == "TZ-STHJ"))
    assert env is not None
    firm = subject_factory.enterprise(
        session, runtime.keys, name="黄岩区清溪化工有限公司", region_code="331003"
    )
    today = runtime.today()
    for n in range(25):
        on = today - dt.timedelta(days=10 + n)
        payload = {"CF_WFXW": "超标排放", "CF_NR": "罚款", "CF_CFLB": ["罚款"]}
        record(session, firm, env, "xzcf", f"台环罚〔2026〕{500 + n}号", on, payload, severity="一般")
    formula_doc = '=HYPERLINK("http://evil.example","点我")'
    payload = {"CF_WFXW": "=1+1", "CF_NR": "罚款", "CF_CFLB": ["罚款"]}
    record(session, firm, env, "xzcf", formula_doc, today - dt.timedelta(days=5), payload, severity="一般")
    return Extra(firm=firm, formula_doc=formula_doc)


def _docs(html: str) -> set[str]:
    return set(DOC.findall(html))


def test_filters_narrow_in_the_query(
    client: TestClient, runtime: Runtime, seeded: Seeded, extra: Extra
) -> None:
    everything = _docs(client.get("/publicity/penalties", headers=HTML).text)
    assert "台环罚〔2026〕500号" in everything
    assert len(everything) == 19
    by_name = client.get("/publicity/penalties", params={"q": "清溪化工"}, headers=HTML).text
    assert "台市监处罚〔2026〕101号" not in by_name
    assert "台环罚〔2026〕500号" in by_name
    assert 'value="清溪化工"' in by_name
    by_uscc = client.get("/publicity/penalties", params={"q": seeded.firm.uscc}, headers=HTML).text
    assert _docs(by_uscc) == {"台市监处罚〔2026〕101号"}
    by_doc = client.get("/publicity/penalties", params={"q": "处罚〔2026〕101"}, headers=HTML).text
    assert _docs(by_doc) == {"台市监处罚〔2026〕101号"}
    by_dept = client.get("/publicity/penalties", params={"department": "TZ-SCJG"}, headers=HTML).text
    assert _docs(by_dept) == {"台市监处罚〔2026〕101号"}
    by_county = client.get("/publicity/penalties", params={"region": "331003", "q": "503"}, headers=HTML).text
    assert _docs(by_county) == {"台环罚〔2026〕503号"}
    day = (runtime.today() - dt.timedelta(days=12)).isoformat()
    by_date = client.get("/publicity/penalties", params={"since": day, "until": day}, headers=HTML).text
    assert _docs(by_date) == {"台环罚〔2026〕502号"}
    # the natural person's penalty is never listed, whatever the keyword
    assert "202号" not in client.get("/publicity/penalties", params={"q": "202"}, headers=HTML).text


def test_lists_take_the_same_filters(client: TestClient, seeded: Seeded, extra: Extra) -> None:
    black = client.get("/lists/black", params={"q": "温岭"}, headers=HTML).text
    assert "台市监列严〔2026〕3号" in black
    none = client.get("/lists/black", params={"department": "TZ-STHJ"}, headers=HTML).text
    assert "台市监列严〔2026〕3号" not in none
    assert "没有符合条件的信息" in none


def test_page_links_keep_the_filters(client: TestClient, seeded: Seeded, extra: Extra) -> None:
    first = client.get("/publicity/penalties", params={"q": "清溪", "region": "331003"}, headers=HTML).text
    assert len(_docs(first)) == 19
    assert "evil.example" in first
    links = re.findall(r'href="([^"]*page=2)"', first)
    assert links, "no link to page 2"
    second = client.get(links[0].replace("&amp;", "&"), headers=HTML).text
    assert "q=%E6%B8%85%E6%BA%AA" in links[0]
    assert "region=331003" in links[0]
    assert len(_docs(second)) == 6
    assert not (_docs(first) & _docs(second))


def test_xlsx_has_the_rows_of_the_filter_and_inert_formulas(
    client: TestClient, seeded: Seeded, extra: Extra
) -> None:
    page = client.get("/publicity/penalties", params={"q": "清溪"}, headers=HTML).text
    assert "下载当前结果（XLSX）" in page
    assert "最多 5000 条" in page
    link = re.search(r'href="(/publicity/penalties/export\.xlsx\?[^"]*)"', page)
    assert link is not None
    assert "q=%E6%B8%85%E6%BA%AA" in link.group(1)
    resp = client.get(link.group(1).replace("&amp;", "&"))
    assert resp.status_code == 200
    assert resp.headers["content-type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(io.BytesIO(resp.content)).worksheets[0].iter_rows(values_only=True))
    assert rows[0][0] == "主体名称"
    docs = [r[3] for r in rows[1:]]
    assert len(docs) == 26
    assert all(r[0] == extra.firm.name for r in rows[1:])
    assert "'" + extra.formula_doc in docs
    assert extra.formula_doc not in docs
    assert set(docs) - {"'" + extra.formula_doc} == {f"台环罚〔2026〕{500 + n}号" for n in range(25)}
    formula_row = next(r for r in rows[1:] if r[3] == "'" + extra.formula_doc)
    assert not str(formula_row[8]).startswith("=")
    black = client.get("/lists/black/export.xlsx", params={"q": "温岭"})
    black_rows = list(load_workbook(io.BytesIO(black.content)).worksheets[0].iter_rows(values_only=True))
    assert [r[3] for r in black_rows[1:]] == ["台市监列严〔2026〕3号"]


def test_bad_input_answers_a_chinese_page(client: TestClient, seeded: Seeded) -> None:
    deep = client.get("/publicity/penalties", params={"page": 101}, headers=HTML)
    assert deep.status_code == 200
    assert "没有符合条件的信息" in deep.text
    too_deep = client.get("/lists/black", params={"page": 100000}, headers=HTML)
    assert too_deep.status_code in (400, 422)
    assert "<html" in too_deep.text
    long = client.get("/publicity/penalties", params={"q": "宏" * 5000}, headers=HTML)
    assert long.status_code in (400, 422)
    assert "<html" in long.text
    assert "Field" not in long.text
    bad_date = client.get("/publicity/penalties", params={"since": "2026-13-45"}, headers=HTML)
    assert bad_date.status_code == 400
    assert "不是有效日期" in bad_date.text
    reversed_dates = client.get(
        "/lists/red", params={"since": "2026-02-01", "until": "2026-01-01"}, headers=HTML
    )
    assert reversed_dates.status_code == 400
    assert "不能晚于" in reversed_dates.text
    bad_export = client.get("/publicity/penalties/export.xlsx", params={"until": "昨天"}, headers=HTML)
    assert bad_export.status_code in (400, 422)
    assert "不是有效日期" in bad_export.text
    assert client.get("/lists/nope/export.xlsx", headers=HTML).status_code == 404


def test_public_api_takes_the_keyword(client: TestClient, seeded: Seeded, extra: Extra) -> None:
    resp = client.get("/api/v1/public/penalties", params={"q": seeded.firm.uscc})
    assert resp.status_code == 200
    assert [e["document_no"] for e in resp.json()["items"]] == ["台市监处罚〔2026〕101号"]
