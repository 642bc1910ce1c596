"""The generator: byte-for-byte determinism, manifest totals, file formats, and loading the register."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.synth.conftest import END, manifest, read_feed
from xinyong.runtime import Runtime
from xinyong.rural import service as rural_service
from xinyong.subjects.models import Subject, SubjectKind
from xinyong.subjects.register import REGISTER_COLUMNS, load_register
from xinyong.synth.agencies import RECORD_ITEMS


def _digest(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_same_seed_gives_the_same_bytes(clean: dict[str, Any], tmp_path: Path) -> None:
    # Another process with another string-hash seed: nothing may depend on set or hash order.
    out = tmp_path / "again"
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    command = [
        sys.executable,
        "-m",
        "xinyong.cli",
        "synth",
        "--out",
        str(out),
        "--scale",
        "small",
        "--seed",
        "1",
    ]
    subprocess.run([*command, "--end", END.isoformat()], check=True, env=env, capture_output=True)
    first, second = _digest(Path(clean["out"])), _digest(out)
    # feeds, the register, the manifest, the rural files (villages, households, rural operators)
    # and the agencies' registry
    assert len(first) == clean["files"] + 6
    assert first == second


def test_another_seed_gives_other_data(clean: dict[str, Any], messy: dict[str, Any]) -> None:
    assert Path(clean["register"]).read_bytes() != Path(messy["register"]).read_bytes()


def test_summary_and_scale(clean: dict[str, Any]) -> None:
    assert clean["scale"] == "small"
    assert clean["seed"] == 1
    assert clean["organisations"] == 3000
    assert clean["persons"] == 2000
    assert 15_000 <= clean["records"] <= 26_000
    assert clean["rows"] == clean["records"]  # no mess, no extra rows
    assert Path(clean["register"]).name == "subjects.csv"


def test_manifest_totals_match_the_files(clean: dict[str, Any]) -> None:
    root = Path(clean["out"])
    data = manifest(clean)
    listed = {e["path"] for e in data["files"]}
    on_disk = {str(p.relative_to(root)) for p in (root / "feeds").rglob("*") if p.is_file()}
    assert listed == on_disk  # nothing missing, no leftover part files
    by_item: Counter[str] = Counter()
    for entry in data["files"]:
        header, rows = read_feed(root, entry)
        assert len(rows) == entry["rows"], entry["path"]
        assert (
            entry["path"]
            == f"feeds/{entry['source_id']}/{entry['department']}_{entry['year']}.{entry['format']}"
        )
        by_item[entry["source_id"]] += len(rows)
        assert len(header) == len(set(header))
    totals = data["totals"]
    assert totals["rows"] == sum(by_item.values())
    assert {k: v["rows"] for k, v in totals["by_item"].items()} == dict(by_item)
    assert totals["files"] == len(data["files"])
    assert totals["subjects"] == totals["organisations"] + totals["persons"]
    assert sum(totals["by_kind"].values()) == totals["subjects"]


def test_every_catalog_item_has_a_feed_within_six_years(clean: dict[str, Any], policy: Any) -> None:
    data = manifest(clean)
    # the registry's supervision events, filed reports and sanctions reach records through the services
    assert {e["source_id"] for e in data["files"]} | set(RECORD_ITEMS) == set(policy.catalog)
    years = {e["year"] for e in data["files"]}
    assert min(years) == END.year - 6
    assert max(years) == END.year
    departments = {d.code for d in policy.departments.departments}
    assert {e["department"] for e in data["files"]} <= departments


def test_shared_feeds_come_in_every_real_format(clean: dict[str, Any]) -> None:
    root = Path(clean["out"])
    data = manifest(clean)
    shared = [e for e in data["files"] if e["source_id"] in ("xzcf", "xzxk")]
    styles = {(e["format"], e["encoding"], e["header"]) for e in shared}
    assert ("csv", "gbk", "codes") in styles
    assert ("csv", "utf-8-sig", "labels") in styles
    assert ("xlsx", None, "labels") in styles
    assert ("csv", "utf-8", "codes") in styles
    for entry in shared:
        raw = (root / entry["path"]).read_bytes()
        if entry["encoding"] == "utf-8-sig":
            assert raw.startswith(b"\xef\xbb\xbf")
            assert raw.count(b"\xef\xbb\xbf") == 1
        elif entry["format"] == "csv":
            assert not raw.startswith(b"\xef\xbb\xbf")
            raw.decode(entry["encoding"])
    xlsx = next(e for e in shared if e["format"] == "xlsx" and e["source_id"] == "xzcf")
    header, rows = read_feed(root, xlsx)
    assert header[0] == "行政相对人名称"
    decided = rows[0][header.index("处罚决定日期")]
    assert hasattr(decided, "year")  # a real Excel date, not text


def test_register_loads_into_the_database(clean: dict[str, Any], runtime: Runtime, session: Session) -> None:
    register = Path(clean["register"])
    assert register.read_text("utf-8").splitlines()[0] == ",".join(REGISTER_COLUMNS)
    count = load_register(session, runtime.keys, register)
    assert count == clean["subjects"]
    operators = load_register(session, runtime.keys, register.parent / "rural-operators.csv")
    assert operators == clean["rural_operators"]
    loaded = rural_service.load_files(
        session,
        runtime.keys,
        register.parent / "villages.csv",
        register.parent / "households.csv",
        actor="test",
    )
    assert loaded == {k: clean[k] for k in ("villages", "households", "members")}
    kinds = dict(session.execute(select(Subject.kind, func.count()).group_by(Subject.kind)).all())
    assert set(kinds) == {k.value for k in SubjectKind}
    assert kinds[SubjectKind.HOUSEHOLD.value] == clean["households"]
    assert kinds[SubjectKind.NATURAL_PERSON.value] == clean["persons"]
    assert kinds[SubjectKind.ENTERPRISE.value] > kinds[SubjectKind.INDIVIDUAL_BUSINESS.value]
    assert kinds[SubjectKind.INDIVIDUAL_BUSINESS.value] > kinds[SubjectKind.SOCIAL_ORGANISATION.value]
