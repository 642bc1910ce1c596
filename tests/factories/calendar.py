"""A copy of the policy with an official holiday schedule added for a year (as the State Council publishes)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import yaml

from xinyong.policy.loader import Policy, load_policy

POLICY_DIR = Path(__file__).resolve().parents[2] / "policy"


def with_official_year(
    tmp_path: Path, year: int, holidays: list[dt.date], workdays: list[dt.date] | None = None
) -> Policy:
    """Return the policy with ``policy/calendar/<year>.yaml`` added."""
    root = tmp_path / "policy-official"
    shutil.copytree(POLICY_DIR, root)
    doc = {
        "id": f"calendar-{year}",
        "version": f"{year}.1",
        "effective_from": dt.date(year, 1, 1),
        "year": year,
        "source": f"国务院办公厅关于{year}年部分节假日安排的通知（测试用）",
        "holidays": holidays,
        "workdays": workdays or [],
    }
    (root / "calendar" / f"{year}.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True), "utf-8")
    return load_policy(root)
