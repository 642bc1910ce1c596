"""Proposal folders written for tests: an overlay of a few files over the policy in force."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml

from tests.conftest import POLICY_DIR


def proposal(
    folder: Path, files: dict[str, str], *, effective_on: dt.date | None = None, **manifest: object
) -> Path:
    """Write a proposal folder: its ``proposal.yaml`` and the overlay ``files`` (relative path → text)."""
    folder.mkdir(parents=True, exist_ok=True)
    head = {
        "id": "test-proposal",
        "name": "测试提案",
        "description": "测试用提案",
        "basis": "测试",
        "mode": "overlay",
        **manifest,
    }
    if effective_on is not None:
        head["effective_on"] = effective_on.isoformat()
    (folder / "proposal.yaml").write_text(yaml.safe_dump(head, allow_unicode=True), "utf-8")
    for rel, text in files.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text(text, "utf-8")
    return folder


def edited(rel: str, *pairs: tuple[str, str]) -> str:
    """Return a file of the policy in force with each (old, new) replaced once (each must be there)."""
    text = (POLICY_DIR / rel).read_text("utf-8")
    for old, new in pairs:
        assert old in text, f"{rel} has no {old!r}"
        text = text.replace(old, new, 1)
    return text
