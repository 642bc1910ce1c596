"""A real server and the system Chromium for the browser tests (Playwright, no browser download)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Browser, Page, expect, sync_playwright

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


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """Start the platform on 127.0.0.1 with seeded data; stop it after the module."""
    settings = live_settings(tmp_path_factory.mktemp("live"), "browser")
    runtime = Runtime.build(settings)
    with session_scope(runtime.sessions) as session:
        seeded = seed(session, runtime.keys, runtime.policy)
    port = free_port()
    config = uvicorn.Config(create_app(runtime=runtime), host="127.0.0.1", port=port, log_level="warning")
    try:
        with running(config):
            yield LiveServer(url=f"http://127.0.0.1:{port}", runtime=runtime, seeded=seeded)
    finally:
        runtime.engine.dispose()


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
