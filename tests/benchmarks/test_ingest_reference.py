"""The ingest benchmark's reference point: the file's pre-parsed rows (or three integers) inserted into a plain
table with a subject index, in the same database, every row counted and the table dropped afterwards."""

from __future__ import annotations

import csv
import importlib.util
import sqlite3
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

from tests.fixtures.migrated import migrated_sqlite
from xinyong.kit.ids import make_uscc
from xinyong.settings import ROOT


def _load() -> ModuleType:
    path = ROOT / "benchmarks" / "ingest.py"
    spec = importlib.util.spec_from_file_location("bench_ingest", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_ingest"] = module
    spec.loader.exec_module(module)
    return module


def test_reference_inserts_every_row_of_the_file(tmp_path: Path) -> None:
    bench: Any = _load()  # the script's globals are set below
    db = tmp_path / "ref.sqlite3"
    migrated_sqlite(db)
    usccs = [make_uscc("9", "1", "331081", f"BM{i:06d}") for i in range(bench.SUBJECTS)][:50]
    bench.register(db, usccs)
    feed = tmp_path / "xzcf.csv"
    bench.SUBJECTS = len(usccs)
    bench.generate(feed, 1_234, usccs)
    for shape in ("file", "ints"):
        rows, wall = bench.reference(db, feed, shape, part=500)
        assert rows == 1_234
        assert wall > 0
    con = sqlite3.connect(db)
    assert not con.execute("SELECT name FROM sqlite_master WHERE name LIKE 'reference_%'").fetchall()
    bench.reference(db, feed, "file", part=500, drop=False)
    stored = con.execute(
        "SELECT s.uscc, r.c2, r.c4, r.c12 FROM reference_file r LEFT JOIN subject s ON s.id = r.subject_id"
        " ORDER BY r.id"
    ).fetchall()
    with feed.open(encoding="utf-8", newline="") as fh:
        parsed = [(row[2], row[2], row[4], row[12]) for row in list(csv.reader(fh))[1:]]
    assert stored == parsed  # every row as parsed, with its subject resolved through the register
    con.close()
