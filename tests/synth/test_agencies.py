"""The synthetic registry of agencies, professionals and civil servants: its own random stream (the rest
of the generated data is byte-identical without it), people from the register, codes from the policy."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from tests.synth.conftest import END
from xinyong.policy.loader import Policy
from xinyong.synth import generate as generate_module
from xinyong.synth.agencies import OUT, generate_agencies
from xinyong.synth.context import add_years

START = add_years(END, -generate_module.YEARS) + dt.timedelta(days=1)  # as generate() starts the window


def _digest(root: Path, *parts: str) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for part in parts
        for p in sorted((root / part).rglob("*") if (root / part).is_dir() else [root / part])
        if p.is_file()
    }


def test_the_rest_is_byte_identical_without_the_registry(
    clean: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(generate_module, "generate_agencies", lambda *a, **k: {})
    bare = generate_module.generate(tmp_path / "bare", scale="small", seed=1, mess=0.0, end=END)
    assert not (Path(bare["out"]) / OUT).exists()
    parts = ("register", "feeds", "manifest.json")
    assert _digest(Path(bare["out"]), *parts) == _digest(Path(clean["out"]), *parts)


def test_the_registry_is_deterministic_from_the_register(clean: dict[str, Any], tmp_path: Path) -> None:
    register = Path(clean["register"])
    again = generate_agencies(
        tmp_path, register, seed=1, organisations=3000, persons=2000, start=START, end=END
    )
    assert Path(again["path"]).read_bytes() == (Path(clean["out"]) / OUT).read_bytes()
    other = generate_agencies(
        tmp_path / "o",
        register,
        seed=2,
        organisations=3000,
        persons=2000,
        start=START,
        end=END,
    )
    assert Path(other["path"]).read_bytes() != Path(again["path"]).read_bytes()


def _load(clean: dict[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((Path(clean["out"]) / OUT).read_text("utf-8"))
    return data


def test_people_come_from_the_register_once_each(clean: dict[str, Any]) -> None:
    doc = _load(clean)
    with Path(clean["register"]).open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    persons = {r["id_card"] for r in rows if r["kind"] == "自然人"}
    bodies = {r["uscc"] for r in rows if r["kind"] == "政府机构"}
    people = [p["id_card"] for a in doc["agencies"] for p in a["practitioners"]]
    people += [lic["id_card"] for lic in doc["licences"]]
    people += [s["id_card"] for b in doc["civil_service"] for s in b["servants"]]
    assert set(people) <= persons
    assert len(people) == len(set(people))  # one role per person
    assert {b["body_uscc"] for b in doc["civil_service"]} == bodies
    assert not {a["uscc"] for a in doc["agencies"]} & {r["uscc"] for r in rows}
    assert clean["agencies"]["agencies"] == len(doc["agencies"]) >= 6


def test_every_code_is_one_the_policy_knows(clean: dict[str, Any], policy: Policy) -> None:
    from xinyong.agencies.professions_rules import catalog_of
    from xinyong.agencies.rules import registry_rules

    doc = _load(clean)
    rules, catalog = registry_rules(policy, END), catalog_of(policy, END)
    events = set(policy.enum_labels("agency_event").values())
    sanctions = set(policy.enum_labels("professional_sanction").values())
    for a in doc["agencies"]:
        assert set(a["business_scopes"]) <= set(rules.scope_labels())
        assert {p["qualification"] for p in a["practitioners"]} <= set(rules.qualification_labels())
        assert {r["purpose"] for r in a["reports"]} <= set(rules.purpose_labels())
        assert {e["event_type"] for e in a["events"]} <= events
    assert {lic["profession"] for lic in doc["licences"]} <= set(catalog.labels())
    given = [lic["sanction"] for lic in doc["licences"] if lic["sanction"]]
    given += [s["sanction"] for b in doc["civil_service"] for s in b["servants"] if s["sanction"]]
    assert {s["sanction_type"] for s in given} <= sanctions
