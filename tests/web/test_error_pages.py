"""Edited URLs answer in Chinese: a page for browsers, ``code`` + ``message`` for the API."""

from __future__ import annotations

import itertools
import re

import pytest
from fastapi.testclient import TestClient

from tests.web.conftest import HTML
from tests.web.seed import Seeded
from tests.web.test_crawl import english


def test_unknown_page_is_a_chinese_page(client: TestClient) -> None:
    resp = client.get("/no/such/page", headers=HTML)
    assert resp.status_code == 404
    assert resp.headers["content-type"].startswith("text/html")
    assert "页面或资源不存在" in resp.text
    assert "Not Found" not in resp.text
    assert not english(resp.text)  # the code for the help desk is marked as a code, not read as text


def test_unknown_api_path_and_method_answer_code_and_chinese_message(client: TestClient) -> None:
    assert client.get("/api/v1/no-such-thing").json() == {
        "code": "http.404",
        "message": "您访问的页面或资源不存在，请检查地址是否正确",
    }
    resp = client.delete("/api/v1/subjects")
    assert resp.status_code == 405
    assert resp.json()["code"] == "http.405"


def test_a_bad_query_on_a_page_is_a_chinese_page(client: TestClient, seeded: Seeded) -> None:
    resp = client.get("/publicity/penalties?page=abc", headers=HTML)
    assert resp.status_code == 422
    assert resp.headers["content-type"].startswith("text/html")
    assert "请求参数不合法" in resp.text


def test_the_api_keeps_its_validation_body(client: TestClient) -> None:
    resp = client.get("/api/v1/subjects?limit=abc")
    assert resp.status_code == 422
    assert resp.json()["code"] == "request.invalid"


@pytest.mark.parametrize("url", ["/publicity/penalties", "/lists/black"])
def test_list_pages_headings_do_not_skip_a_level(client: TestClient, seeded: Seeded, url: str) -> None:
    levels = [int(n) for n in re.findall(r"<h([1-6])\b", client.get(url, headers=HTML).text)]
    assert levels[0] == 1
    assert all(b <= a + 1 for a, b in itertools.pairwise(levels)), levels
