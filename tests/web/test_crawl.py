"""Every menu item works for the role that sees it: crawl each role's pages from its menu.

For each role, sign in, start at its home pages, follow every same-origin link (GET) up to a few hops,
and fail on 403, 404 or 500 — a role is never shown a link it cannot follow.
"""

from __future__ import annotations

import re
from collections import deque
from urllib.parse import urljoin, urlsplit

import pytest
from fastapi.testclient import TestClient

from tests.web.conftest import HTML, sign_in
from tests.web.seed import PASSWORD, Seeded

ROLES = {
    "public": (None, ["/"]),
    "company": ("hongda", ["/", "/me"]),
    "person": ("person-self", ["/", "/me"]),
    "officer": ("scjg-officer", ["/", "/console"]),
    "admin": ("centre-admin", ["/", "/console"]),
    "supervisor": ("city-supervisor", ["/", "/console"]),
    "auditor": ("city-auditor", ["/", "/console"]),
    "bank": ("city-bank", ["/"]),
}
LINK = re.compile(r'<a\b[^>]*\bhref="([^"#]+)"')
MAX_PAGES = 80
MAX_DEPTH = 2


def links(base: str, html: str) -> list[str]:
    """Return the same-origin page links of a page, without fragments."""
    out = []
    for href in LINK.findall(html):
        url = urlsplit(urljoin("http://testserver" + base, href.replace("&amp;", "&")))
        if url.netloc != "testserver" or url.path.startswith("/static/") or url.path == "/logout":
            continue
        out.append(url.path + (f"?{url.query}" if url.query else ""))
    return out


def crawl(client: TestClient, starts: list[str]) -> tuple[dict[str, int], dict[str, str]]:
    """Visit pages breadth-first from ``starts``; return status by URL and the page each was found on."""
    seen: dict[str, int] = {}
    found_on: dict[str, str] = dict.fromkeys(starts, "(start)")
    todo = deque((s, 0) for s in starts)
    while todo and len(seen) < MAX_PAGES:
        url, depth = todo.popleft()
        if url in seen:
            continue
        resp = client.get(url, headers=HTML, follow_redirects=False)
        seen[url] = resp.status_code
        if depth >= MAX_DEPTH or "text/html" not in resp.headers.get("content-type", ""):
            continue
        for link in links(url, resp.text):
            if link not in seen and link not in found_on:
                found_on[link] = url
                todo.append((link, depth + 1))
    return seen, found_on


@pytest.mark.parametrize("role", list(ROLES))
def test_every_link_a_role_is_shown_works(client: TestClient, seeded: Seeded, role: str) -> None:
    username, starts = ROLES[role]
    if username:
        sign_in(client, username, PASSWORD)
    seen, found_on = crawl(client, starts)
    broken = [
        f"{url} → {status}（链接位于 {found_on.get(url)}）"
        for url, status in seen.items()
        if status in (403, 404, 500)
    ]
    assert not broken, "\n".join(broken)
    assert len(seen) > len(starts)


def test_menus_differ_by_role(client: TestClient, seeded: Seeded) -> None:
    sign_in(client, "city-auditor", PASSWORD)
    page = client.get("/console", headers=HTML).text
    assert 'href="/console/unresolved"' not in page  # officers' and admins' work, not the auditor's
    assert 'href="/console/ingest"' not in page
    assert 'href="/console/evaluation"' in page


ALLOWED_WORDS = {
    "API",
    "PDF",
    "CSV",
    "XLSX",
    "JSON",
    "Excel",
    "UTF",
    "GBK",
    "GB",
    "BOM",
    "SHA",
    "PSI",
    "SM",
    "USCC",
}
WORD = re.compile(r"[A-Za-z][A-Za-z_]{2,}")


def visible_text(html: str) -> str:
    """Return the text a person reads: no scripts, styles, tags, attributes or code values."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    html = re.sub(r'<(span|dd|td)\b[^>]*class="code"[^>]*>.*?</\1>', " ", html, flags=re.S)
    html = re.sub(r"<code>.*?</code>", " ", html, flags=re.S)  # commands for the operators
    text = re.sub(r"<[^>]+>", " ", html)
    # a policy file's path and the command that loads it are named as they are typed; a file's name keeps
    # its extension (缴款凭证.pdf)
    text = re.sub(r"[^\s<>]+\.(?:pdf|txt|csv|xlsx|json|jpe?g|png)\b", " ", text, flags=re.IGNORECASE)
    return re.sub(r"policy/[\w/<>&;.*-]+|xinyong(?: [a-z-]+)+", " ", text)


def english(html: str) -> set[str]:
    """Return the Latin words of a page's visible text outside the allowed terms."""
    return {w for w in WORD.findall(visible_text(html)) if w not in ALLOWED_WORDS}


@pytest.mark.parametrize("role", list(ROLES))
def test_pages_speak_chinese(client: TestClient, seeded: Seeded, role: str) -> None:
    username, starts = ROLES[role]
    if username:
        sign_in(client, username, PASSWORD)
    seen, _ = crawl(client, starts)
    found = {}
    for url, status in seen.items():
        if status == 200:
            resp = client.get(url, headers=HTML)
            if "text/html" in resp.headers.get("content-type", "") and (words := english(resp.text)):
                found[url] = sorted(words)
    assert not found, "\n".join(f"{u}: {w}" for u, w in found.items())


PAGE_BUDGET_SECONDS = 2.0  # generous on the tests' small data and a shared machine; the report is the point


def test_slowest_console_pages_are_reported(
    client: TestClient, seeded: Seeded, capsys: pytest.CaptureFixture[str]
) -> None:
    import time

    sign_in(client, "centre-admin", PASSWORD)
    seen, _ = crawl(client, ["/console"])
    timings = []
    for url in seen:
        if url.startswith("/console"):
            start = time.perf_counter()
            client.get(url, headers=HTML)
            timings.append((time.perf_counter() - start, url))
    timings.sort(reverse=True)
    with capsys.disabled():
        print("\n最慢的后台页面：" + "；".join(f"{url} {s * 1000:.0f} ms" for s, url in timings[:5]))
    slow = [f"{url} {s:.2f} s" for s, url in timings if s > PAGE_BUDGET_SECONDS]
    assert not slow, slow
