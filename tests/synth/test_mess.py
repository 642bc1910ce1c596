"""``--mess``: defects at about the fraction asked, each counted exactly in the manifest."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from pathlib import Path
from typing import Any

from tests.synth.conftest import feed_dicts, manifest
from xinyong.kit import ids
from xinyong.kit.text import to_halfwidth
from xinyong.policy.loader import Policy
from xinyong.synth.mess import DEFECTS


def test_defects_come_at_the_fraction_asked(messy: dict[str, Any]) -> None:
    totals = manifest(messy)["totals"]
    defective = totals["defective_records"]
    assert abs(defective - 0.08 * totals["records"]) < 0.15 * 0.08 * totals["records"]
    assert set(totals["defects"]) == set(DEFECTS)
    assert all(n > 0 for n in totals["defects"].values()), totals["defects"]
    assert (
        totals["rows"] == totals["records"] + totals["defects"]["duplicate"] + totals["defects"]["correction"]
    )


def test_file_counts_add_up(messy: dict[str, Any]) -> None:
    data = manifest(messy)
    summed: Counter[str] = Counter()
    for entry in data["files"]:
        summed.update(entry["defects"])
        extra = entry["defects"].get("duplicate", 0) + entry["defects"].get("correction", 0)
        assert entry["rows"] == entry["records"] + extra
    assert {k: v for k, v in data["totals"]["defects"].items() if v} == dict(summed)


def _is_date_text(value: Any) -> bool:
    """Tell whether a date is written other than as ISO text or an Excel date."""
    return not isinstance(value, dt.datetime) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value)


def _scan(root: Path, entry: dict[str, Any], policy: Policy) -> Counter[str]:
    """Find the defects of a file by looking at its rows only."""
    item = policy.catalog[entry["catalog_item"]]
    names = [f.name for f in item.fields]
    roles = item.roles
    found: Counter[str] = Counter()
    previous: dict[str, Any] | None = None
    previous_key: tuple[Any, Any] | None = None
    for row, width in feed_dicts(root, entry, names):
        person = row[roles["subject_category"]] == "自然人"
        code = row.get(roles["person_id"] if person else roles["uscc"]) or ""
        key = (code, row.get(roles["document_no"]))
        if previous is not None and row == previous:
            found["duplicate"] += 1
        elif key == previous_key and row.get(roles["document_no"]):
            found["correction"] += 1
        elif width != len(names):
            found["wrong_columns"] += 1
        elif not code and row.get(roles["org_code"]):
            found["org_code_only"] += 1
        elif not code:  # the blanked required field was the subject's own code
            found["missing_required"] += 1
        elif code != to_halfwidth(code):
            found["fullwidth_digits"] += 1
        elif person and len(code) == 15:
            found["id15"] += 1
        elif not (ids.is_valid_ric(code) if person else ids.is_valid_uscc(code)):
            found["bad_check"] += 1
        elif "(" in str(row[roles["subject_name"]]):
            found["bracket_variant"] += 1
        elif any(row.get(f.name) in (None, "") for f in item.fields if f.required):
            found["missing_required"] += 1
        elif any(
            row.get(f.name) not in (None, "") and _is_date_text(row[f.name])
            for f in item.fields
            if f.type == "date"
        ):
            found["date_format"] += 1
        previous, previous_key = row, key
    return found


def test_each_defect_is_where_the_manifest_says(messy: dict[str, Any], policy: Policy) -> None:
    root = Path(messy["out"])
    for entry in manifest(messy)["files"]:
        assert dict(_scan(root, entry, policy)) == entry["defects"], entry["path"]
