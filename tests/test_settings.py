"""Settings are all documented in .env.example; placeholders are refused in production."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import ValidationError

from xinyong.settings import Settings


def test_env_example_documents_every_field(repo_root: Path) -> None:
    text = (repo_root / ".env.example").read_text("utf-8")
    documented = set(re.findall(r"^XINYONG_([A-Z0-9_]+)=", text, flags=re.M))
    fields = {name.upper() for name in Settings.model_fields}
    assert documented == fields


def test_production_refuses_placeholder_secrets() -> None:
    with pytest.raises(ValidationError, match="生产环境必须设置"):
        Settings(env="production")


def test_nothing_connects_at_import_and_app_builds(tmp_path: Path) -> None:
    from xinyong.app import create_app

    url = f"sqlite:///{tmp_path / 'never.sqlite3'}"
    create_app(Settings(database_url=url, var_dir=tmp_path))
    assert not (tmp_path / "never.sqlite3").exists()


def test_one_today_from_the_runtime(tmp_path: Path) -> None:
    """The business date comes from the runtime: fixed by ``XINYONG_TODAY`` in tests and demos, else the
    platform's time zone; a blank value means unset; production refuses a fixed day."""
    import datetime as dt

    from xinyong.runtime import Runtime

    url = f"sqlite:///{tmp_path / 'x.sqlite3'}"
    fixed = Runtime.build(Settings(env="test", database_url=url, today=dt.date(2026, 4, 1)))
    assert fixed.today() == dt.date(2026, 4, 1)
    assert fixed.today(dt.datetime(2030, 1, 1, tzinfo=dt.UTC)) == dt.date(2026, 4, 1)
    free = Runtime.build(Settings(env="test", database_url=url, today=""))  # type: ignore[arg-type]
    assert free.settings.today is None
    # 2026-03-31 16:30 UTC is already 2026-04-01 in Asia/Shanghai (Order 36 takes effect that day)
    assert free.today(dt.datetime(2026, 3, 31, 16, 30, tzinfo=dt.UTC)) == dt.date(2026, 4, 1)
    with pytest.raises(ValidationError, match="XINYONG_REPORT_SM2_KEY"):
        Settings(
            env="production",
            secret_key="s",
            data_key="d",
            index_key="i",
            audit_key="a",
            audit_signing_key="b",
            report_signing_key="k",
            report_signing_cert="c",
            report_json_algorithm="SM2-SM3",
        )
    with pytest.raises(ValidationError, match="XINYONG_TODAY"):
        Settings(
            env="production",
            secret_key="s",
            data_key="d",
            index_key="i",
            audit_key="a",
            audit_signing_key="b",
            report_signing_key="k",
            report_signing_cert="c",
            today=dt.date(2026, 4, 1),
        )
