"""One large single-item feed for ingest benchmarks: exact record count, same layout, deterministic."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

from xinyong.kit import ids
from xinyong.synth.bulk import generate_bulk


def test_bulk_penalty_file(tmp_path: Path) -> None:
    summary = generate_bulk(tmp_path / "a", item="xzcf", rows=1500, seed=2, mess=0.0)
    feed = Path(summary["feed"])
    assert feed.name == "BULK_1500.csv"
    rows = list(csv.reader(io.StringIO(feed.read_text("utf-8"))))
    assert rows[0][0] == "CF_XDR_MC"
    assert len(rows) - 1 == summary["records"] == summary["rows"] == 1500
    known = {
        r["uscc"] or r["id_card"]
        for r in csv.DictReader(io.StringIO(Path(summary["register"]).read_text("utf-8")))
    }
    for row in rows[1:]:
        code = row[2] or row[12]
        assert code in known
        assert ids.is_valid_uscc(code) or ids.validate_ric(code, today=dt.date(2026, 10, 31)) == code
    again = generate_bulk(tmp_path / "b", item="xzcf", rows=1500, seed=2, mess=0.0)
    assert Path(again["feed"]).read_bytes() == feed.read_bytes()


def test_bulk_with_mess_counts_its_defects(tmp_path: Path) -> None:
    summary = generate_bulk(tmp_path, item="xzxk", rows=1000, seed=3, mess=0.1, fmt="xlsx", header="labels")
    manifest = json.loads(Path(summary["manifest"]).read_text("utf-8"))
    [entry] = manifest["files"]
    extra = entry["defects"].get("duplicate", 0) + entry["defects"].get("correction", 0)
    assert entry["rows"] == 1000 + extra == summary["rows"]
    assert 50 < sum(entry["defects"].values()) < 150
    assert entry["path"].endswith(".xlsx")
