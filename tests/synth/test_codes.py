"""Without mess, every code is valid, every required field is filled and every value is in range."""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter
from pathlib import Path
from typing import Any

from tests.synth.conftest import END, feed_dicts, manifest
from xinyong.kit import ids
from xinyong.policy.loader import Policy
from xinyong.subjects.models import SubjectKind
from xinyong.subjects.service import kind_of_uscc
from xinyong.synth.places import COUNTIES


def _register(summary: dict[str, Any]) -> list[dict[str, str]]:
    with Path(summary["register"]).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_register_codes_are_valid_and_unique(clean: dict[str, Any]) -> None:
    rows = _register(clean)
    usccs = [r["uscc"] for r in rows if r["uscc"]]
    cards = [r["id_card"] for r in rows if r["id_card"]]
    assert len(usccs) == clean["organisations"]
    assert len(cards) == clean["persons"]
    assert len(set(usccs)) == len(usccs)
    assert len(set(cards)) == len(cards)
    org_codes = [ids.org_code_of_uscc(u) for u in usccs]
    assert None not in org_codes
    assert len(set(org_codes)) == len(org_codes)  # legacy records link by the embedded 组织机构代码
    counties = {c.code for c in COUNTIES}
    for r in rows:
        assert r["region_code"] in counties
        if r["uscc"]:
            assert ids.validate_uscc(r["uscc"]) == r["uscc"]
            assert kind_of_uscc(r["uscc"]).value == r["kind"]
            assert r["uscc"][2:8] == r["region_code"] or (r["uscc"][2:8], r["region_code"]) == (
                "331021",
                "331083",
            )
            assert r["legal_rep"]
            assert dt.date.fromisoformat(r["established_on"]) <= END
        else:
            assert r["kind"] == SubjectKind.NATURAL_PERSON.value
            assert ids.validate_ric(r["id_card"], today=END) == r["id_card"]


def test_register_has_taizhou_particulars(clean: dict[str, Any]) -> None:
    rows = _register(clean)
    yuhuan_old = [r for r in rows if r["uscc"][2:8] == "331021" and r["established_on"] < "2017-04-09"]
    assert yuhuan_old, "玉环 subjects registered before 2017 carry 331021"
    born_before = [r for r in rows if r["id_card"].startswith("331083") and r["id_card"][6:10] < "2017"]
    assert born_before, "玉环 331083 IDs of people born before 2017"
    assert any(r["uscc"].startswith("N2") for r in rows)
    assert any("（" in r["name"] for r in rows)
    industries = Counter((r["region_code"], r["industry"]) for r in rows)
    assert industries[("331081", "泵及真空设备制造")] > industries[("331081", "阀门和旋塞制造")]
    assert industries[("331083", "阀门和旋塞制造")] > industries[("331083", "泵及真空设备制造")]
    assert industries[("331003", "模具制造")] > 0
    assert industries[("331002", "化学药品原料药制造")] > 0
    by_county = Counter(r["region_code"] for r in rows)
    assert by_county["331081"] > by_county["331022"]  # 温岭 is three times 三门


def test_feed_rows_are_valid(clean: dict[str, Any], policy: Policy) -> None:
    root = Path(clean["out"])
    known = {r["uscc"] or r["id_card"] for r in _register(clean)}
    departments = {d.code: d for d in policy.departments.departments}
    start = END.replace(year=END.year - 6)
    for entry in manifest(clean)["files"]:
        item = policy.catalog[entry["catalog_item"]]
        names = [f.name for f in item.fields]
        roles = item.roles
        categories = policy.enum_labels("xdr_category")
        enums = {f.name: set(policy.enum_labels(f.enum_ref)) for f in item.fields if f.enum_ref}
        for row, width in feed_dicts(root, entry, names):
            assert width <= len(names)
            category = categories[row[roles["subject_category"]]]
            code = row.get(roles["uscc"]) or row.get(roles["person_id"])
            assert code in known
            for f in item.fields:
                if f.required or category in f.required_for:
                    assert row.get(f.name) not in (None, ""), (entry["path"], f.name)
                value = row.get(f.name)
                if f.type == "date" and value not in (None, ""):
                    day = value.date() if isinstance(value, dt.datetime) else dt.date.fromisoformat(value)
                    assert dt.date(2010, 1, 1) <= day <= dt.date(2099, 12, 31)
                if f.type == "uscc" and value:
                    assert ids.is_valid_uscc(value)
                if f.type == "enum" and value:
                    assert value in enums[f.name], (f.name, value)
                if f.type == "multi_enum" and value:
                    assert set(value.split(";")) <= enums[f.name]
            decided = row[roles["decision_on"]]
            day = decided.date() if isinstance(decided, dt.datetime) else dt.date.fromisoformat(decided)
            assert start < day <= END
            assert day.year == entry["year"]
            assert departments[entry["department"]].name in row.values()


def test_shared_feeds_name_real_departments(clean: dict[str, Any], policy: Policy) -> None:
    root = Path(clean["out"])
    departments = {d.code: d for d in policy.departments.departments}
    for entry in manifest(clean)["files"]:
        if entry["source_id"] != "xzcf":
            continue
        item = policy.catalog["xzcf"]
        for row, _ in feed_dicts(root, entry, [f.name for f in item.fields]):
            dept = departments[entry["department"]]
            assert (row["CF_CFJG"], row["CF_CFJGDM"]) == (dept.name, dept.uscc)
            assert (row["CF_SJLY"], row["CF_SJLYDM"]) == (dept.name, dept.uscc)
            amount = row["CF_NR_FK"]
            if amount not in (None, ""):
                assert 0 < float(amount) < 1000  # 万元


def test_commitment_codes(clean: dict[str, Any], policy: Policy) -> None:
    root = Path(clean["out"])
    item = policy.catalog["xycn"]
    seen = set()
    for entry in manifest(clean)["files"]:
        if entry["source_id"] != "xycn":
            continue
        for row, _ in feed_dicts(root, entry, [f.name for f in item.fields]):
            code = row["CN_BM"]
            assert len(code) == 20
            assert code.isdigit()
            assert code[6:14] == row["CN_RQ"].replace("-", "")
            assert code not in seen
            seen.add(code)
    assert seen
