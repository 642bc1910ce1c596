"""The check benchmark's reference endpoints: a constant, and one subject read by USCC through its index."""

from __future__ import annotations

import importlib.util
import sqlite3
from pathlib import Path
from types import ModuleType

import pytest
from fastapi.testclient import TestClient

from xinyong.settings import ROOT


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("reference_app", ROOT / "benchmarks" / "reference_app.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_constant_and_indexed_lookup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "ref.sqlite3"
    con = sqlite3.connect(db)
    con.execute(
        "CREATE TABLE subject (id INTEGER PRIMARY KEY, name TEXT, kind TEXT, region_code TEXT, uscc TEXT)"
    )
    con.execute("CREATE UNIQUE INDEX ix_uscc ON subject (uscc)")
    con.execute("INSERT INTO subject VALUES (7, '台州市甲公司', '企业法人', '331002', '91331002MA2AAAAAA0')")
    con.commit()
    plan = " ".join(
        str(r) for r in con.execute("EXPLAIN QUERY PLAN SELECT id FROM subject WHERE uscc = ?", ("x",))
    )
    assert "ix_uscc" in plan  # the lookup is the indexed one the issue names
    con.close()
    monkeypatch.setenv("XY_BENCH_DB", str(db))
    client = TestClient(_load().app)
    assert client.get("/const").json() == {"status": "ok"}
    found = client.get("/lookup/91331002MA2AAAAAA0")
    assert found.status_code == 200
    assert found.json() == {"id": 7, "name": "台州市甲公司", "kind": "企业法人", "region_code": "331002"}
    assert client.get("/lookup/91331002MA2AAAAAB9").status_code == 404
