"""A real server and the system Chromium for the browser tests (Playwright, no browser download)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Browser, Page, ViewportSize, expect, sync_playwright

from tests.servers import free_port, live_settings, running
from tests.web.seed import Seeded, seed
from xinyong.app import create_app
from xinyong.db import session_scope
from xinyong.runtime import Runtime
from xinyong.settings import ROOT

CHROMIUM = Path(os.environ.get("XINYONG_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
ARTIFACTS = ROOT / "test-artifacts"
TIMEOUT_MS = 30_000  # generous: CI machines run the suite on two busy cores
expect.set_options(timeout=TIMEOUT_MS)


@dataclass
class LiveServer:
    """A uvicorn server on a free local port over a migrated, seeded SQLite database."""

    url: str
    runtime: Runtime
    seeded: Seeded


@contextmanager
def serving(tmp: Path, name: str, prepare: Callable[[Runtime], None] | None = None) -> Iterator[LiveServer]:
    """Serve the platform on 127.0.0.1 over a migrated, seeded database; ``prepare`` runs before it starts."""
    settings = live_settings(tmp, name)
    runtime = Runtime.build(settings)
    with session_scope(runtime.sessions) as session:
        seeded = seed(session, runtime.keys, runtime.policy)
    if prepare is not None:
        prepare(runtime)
    port = free_port()
    config = uvicorn.Config(create_app(runtime=runtime), host="127.0.0.1", port=port, log_level="warning")
    try:
        with running(config):
            yield LiveServer(url=f"http://127.0.0.1:{port}", runtime=runtime, seeded=seeded)
    finally:
        runtime.engine.dispose()


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """Start the platform on 127.0.0.1 with seeded data; stop it after the module."""
    with serving(tmp_path_factory.mktemp("live"), "browser") as server:
        yield server


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Launch the system Chromium once per module (skipped cleanly when it is not installed)."""
    if not CHROMIUM.exists():
        pytest.skip(f"系统 Chromium 不存在（{CHROMIUM}）：浏览器测试跳过")
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    """Open a fresh browser context and page; save a screenshot under test-artifacts/ at the end."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(TIMEOUT_MS)
    try:
        yield pg
    finally:
        ARTIFACTS.mkdir(exist_ok=True)
        pg.screenshot(path=str(ARTIFACTS / f"{request.node.name}-end.png"), full_page=True)
        context.close()


def shot(pg: Page, name: str) -> None:
    """Save a full-page screenshot of a step."""
    ARTIFACTS.mkdir(exist_ok=True)
    pg.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


DESKTOP: ViewportSize = {"width": 1366, "height": 768}
PHONE: ViewportSize = {"width": 390, "height": 844}
# What a phone user would suffer: the page wider than the screen (and which elements stick out), and data
# tables left as tables instead of one card per row.
_PHONE_CHECK = """() => {
  const width = window.innerWidth;
  const over = document.scrollingElement.scrollWidth - width;
  const wide = [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > width + 1 && e.offsetParent !== null)
    .filter(e => !e.closest('.scroll-x'))
    .slice(0, 5)
    .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className && typeof e.className === 'string' ? '.' + e.className.split(' ').join('.') : ''));
  const tables = [...document.querySelectorAll('main table')]
    .filter(t => t.offsetParent !== null && t.getBoundingClientRect().width > 2 && t.querySelector('tbody tr'))
    .filter(t => getComputedStyle(t.querySelector('tbody tr')).display !== 'block')
    .map(t => t.id || (t.querySelector('caption') || {}).textContent || t.className || 'table');
  return {over, wide, tables};
}"""


def phone_problems(pg: Page) -> list[str]:
    """Return what is wrong with the current page at its viewport's width (empty when usable)."""
    found = pg.evaluate(_PHONE_CHECK)
    out = []
    if found["over"] > 0:
        out.append(f"横向溢出 {found['over']} px：{', '.join(found['wide'])}")
    if found["tables"]:
        out.append("表格未显示为卡片：" + "、".join(t.strip() for t in found["tables"]))
    return out


def snap(pg: Page, name: str) -> None:
    """Screenshot a journey step at desktop and phone sizes; fail on English words or raw codes on screen
    (pages reached only by an action, which the crawl cannot reach), or if the phone view overflows or
    keeps tables."""
    from tests.web.test_crawl import english

    shot(pg, f"{name}-desktop")
    words = english(pg.content())
    assert not words, f"{pg.url}：页面上有英文或代码：{sorted(words)}"
    pg.set_viewport_size(PHONE)
    try:
        pg.wait_for_timeout(300)  # the layout and the charts' resize handlers at the new width
        problems = phone_problems(pg)
        shot(pg, f"{name}-phone")
        assert not problems, f"{pg.url}（390×844）：" + "；".join(problems)
    finally:
        pg.set_viewport_size(DESKTOP)
