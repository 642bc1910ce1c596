"""The ``xinyong repair`` and ``xinyong outbox`` commands against a migrated database."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from xinyong.cli import app
from xinyong.settings import Settings


@pytest.fixture
def env(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XINYONG_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("XINYONG_VAR_DIR", str(settings.var_dir))
    monkeypatch.setenv("XINYONG_ENV", "test")


@pytest.mark.usefixtures("env")
def test_cli_commands() -> None:
    runner = CliRunner()
    r = runner.invoke(app, ["repair", "notices", "--since-batch", "999999"])
    assert r.exit_code == 0, r.output
    assert "信用修复告知书 0 份" in r.output
    r = runner.invoke(app, ["repair", "notice", "987654321"])
    assert r.exit_code == 2
    assert "record.not_found" in r.output
    r = runner.invoke(app, ["outbox", "dispatch"])
    assert r.exit_code == 0
    assert "已投递 0" in r.output
    r = runner.invoke(app, ["outbox", "endpoint", "org:测试", "--url", "ftp://x"])
    assert r.exit_code == 2
    assert "outbox.bad_url" in r.output
