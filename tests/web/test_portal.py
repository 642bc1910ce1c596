"""Portal pages over HTTP: search, a subject's public page, 双公示 and lists, and what stays hidden."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.web.conftest import HTML
from tests.web.seed import Seeded
from xinyong.runtime import Runtime
from xinyong.subjects.service import reveal_id_card


def test_home_has_search_skip_link_and_title(client: TestClient) -> None:
    resp = client.get("/", headers=HTML)
    assert resp.status_code == 200
    assert '<html lang="zh-CN">' in resp.text
    assert "<title>首页 · 信用台州</title>" in resp.text
    assert 'href="#main"' in resp.text
    assert 'id="main"' in resp.text
    assert '<label for="q"' in resp.text
    assert "/static/vendor/htmx.min.js" in resp.text


def test_static_assets_are_served_locally(client: TestClient) -> None:
    assert client.get("/static/css/site.css").status_code == 200
    assert client.get("/static/vendor/htmx.min.js").status_code == 200
    assert client.get("/static/vendor/echarts.min.js").status_code == 200


def test_two_character_search_finds_organisations_not_people(client: TestClient, seeded: Seeded) -> None:
    resp = client.get("/search", params={"q": "宏达"}, headers=HTML)
    assert resp.status_code == 200
    assert seeded.firm.name in resp.text
    assert seeded.other.name in resp.text
    assert "张三" not in resp.text
    by_code = client.get("/search", params={"q": seeded.firm.uscc}, headers=HTML)
    assert seeded.firm.name in by_code.text
    assert seeded.other.name not in by_code.text


def test_search_htmx_returns_a_fragment(client: TestClient, seeded: Seeded) -> None:
    resp = client.get("/search", params={"q": "宏达"}, headers={**HTML, "hx-request": "true"})
    assert seeded.firm.name in resp.text
    assert "<html" not in resp.text


def test_subject_page_shows_public_items_with_source_dates_and_marks(
    client: TestClient, seeded: Seeded
) -> None:
    resp = client.get(f"/subjects/{seeded.firm.uscc}", headers=HTML)
    assert resp.status_code == 200
    text = resp.text
    assert f"<title>{seeded.firm.name} · 信用信息 · 信用台州</title>" in text
    assert "基础信息" in text
    assert "王建国" in text
    assert "台市监处罚〔2026〕101号" in text
    assert "台市监许〔2026〕55号" in text
    assert seeded.department.name in text
    penalty = re.search(rf'data-record-id="{seeded.penalty.id}".*?</article>', text, re.S)
    assert penalty
    assert "异议中" in penalty.group(0)
    assert "台税欠〔2026〕9号" not in text  # 欠税 is shared with departments, not public


def test_natural_person_page_is_not_public(client: TestClient, seeded: Seeded, runtime: Runtime) -> None:
    id_card = reveal_id_card(runtime.keys, seeded.person)
    assert id_card
    resp = client.get(f"/subjects/{id_card}", headers=HTML)
    assert resp.status_code == 404  # natural persons are never public; not even their existence
    assert "台市监处罚〔2026〕202号" not in resp.text
    by_name = client.get("/search", params={"q": "张三"}, headers=HTML)
    assert "未找到" in by_name.text


def test_unknown_subject_is_an_html_404(client: TestClient, seeded: Seeded) -> None:
    resp = client.get("/subjects/913310810000000000", headers=HTML)
    assert resp.status_code == 404
    assert "未找到" in resp.text
    assert "<html" in resp.text
    api_style = client.get("/subjects/913310810000000000")
    assert api_style.json()["code"] == "subject.not_found"


def test_penalty_publicity_with_filters(client: TestClient, seeded: Seeded) -> None:
    resp = client.get("/publicity/penalties", headers=HTML)
    assert resp.status_code == 200
    assert "台市监处罚〔2026〕101号" in resp.text
    assert "台市监处罚〔2026〕202号" not in resp.text  # the natural person's penalty is never public
    other_county = client.get("/publicity/penalties", params={"region": "331024"}, headers=HTML)
    assert "台市监处罚〔2026〕101号" not in other_county.text
    old = client.get("/publicity/penalties", params={"until": "2000-01-01"}, headers=HTML)
    assert "没有符合条件的信息" in old.text
    licences = client.get("/publicity/licences", headers=HTML)
    assert "台市监许〔2026〕55号" in licences.text
    assert "台市监处罚〔2026〕101号" not in licences.text


def test_lists_page(client: TestClient, seeded: Seeded) -> None:
    resp = client.get("/lists/black", headers=HTML)
    assert resp.status_code == 200
    assert seeded.other.name in resp.text
    assert "台市监列严〔2026〕3号" in resp.text
    assert client.get("/lists/nope", headers=HTML).status_code == 404


def test_pages_send_security_headers(client: TestClient) -> None:
    resp = client.get("/", headers=HTML)
    csp = resp.headers["content-security-policy"]
    assert "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert resp.headers["x-content-type-options"] == "nosniff"
