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
