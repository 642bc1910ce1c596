"""Issue 19 point 6: synthetic villages, households and agricultural operators — their own stream and files."""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path
from typing import Any

from xinyong.rural import registry
from xinyong.subjects.models import SubjectKind
from xinyong.synth import rural


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_the_file_formats_are_the_loaders(clean: dict[str, Any]) -> None:
    assert rural.VILLAGE_COLUMNS == registry.VILLAGE_COLUMNS
    assert rural.HOUSEHOLD_COLUMNS == registry.HOUSEHOLD_COLUMNS
    folder = Path(clean["register"]).parent
    assert tuple(_rows(folder / "villages.csv")[0]) == registry.VILLAGE_COLUMNS
    assert tuple(_rows(folder / "households.csv")[0]) == registry.HOUSEHOLD_COLUMNS


def test_households_are_of_generated_persons_in_generated_villages(clean: dict[str, Any]) -> None:
    folder = Path(clean["register"]).parent
    register = _rows(folder / "subjects.csv")
    persons = {r["id_card"]: r for r in register if r["kind"] == SubjectKind.NATURAL_PERSON.value}
    villages = {r["uscc"] for r in register if r["kind"] == SubjectKind.VILLAGE_COLLECTIVE.value}
    members = _rows(folder / "households.csv")
    assert members
    assert all(m["member_id_card"] in persons for m in members)
    assert all(m["village_uscc"] in villages for m in members)
    assert len({m["member_id_card"] for m in members}) == len(members)  # one household per person
    heads = [m for m in members if m["relation"] == "户主"]
    assert len(heads) == clean["households"]
    first_person = next(r for r in register if r["kind"] == SubjectKind.NATURAL_PERSON.value)
    assert heads[0]["member_id_card"] == first_person["id_card"]  # the demo person has a household
    assert all(v["uscc"].startswith("N2") for v in _rows(folder / "villages.csv"))


def test_operators_have_their_own_codes(clean: dict[str, Any]) -> None:
    folder = Path(clean["register"]).parent
    operators = _rows(folder / "rural-operators.csv")
    kinds = {r["kind"] for r in operators}
    assert kinds == {SubjectKind.FAMILY_FARM.value, SubjectKind.FARMERS_COOPERATIVE.value}
    assert all(r["uscc"][:2] == ("92" if r["kind"] == "家庭农场" else "93") for r in operators)
    taken = {r["uscc"][8:16] for r in _rows(folder / "subjects.csv") if r["uscc"]}
    assert not taken & {r["uscc"][8:16] for r in operators}  # no organisation code is issued twice


def test_rural_generation_reads_the_register_and_is_deterministic(
    clean: dict[str, Any], tmp_path: Path
) -> None:
    register = Path(clean["register"])
    before = hashlib.sha256(register.read_bytes()).hexdigest()
    (tmp_path / "register").mkdir()
    again = rural.generate(tmp_path, register, seed=1)
    assert hashlib.sha256(register.read_bytes()).hexdigest() == before
    for name in ("villages.csv", "households.csv", "rural-operators.csv"):
        assert (tmp_path / "register" / name).read_bytes() == (register.parent / name).read_bytes()
    assert again == {k: clean[k] for k in again}
    other = tmp_path / "other"
    (other / "register").mkdir(parents=True)
    rural.generate(other, register, seed=2)
    assert (other / "register" / "households.csv").read_bytes() != (
        register.parent / "households.csv"
    ).read_bytes()
