"""Synthetic rural Taizhou: villages, households of the generated persons, family farms and cooperatives.

Read back from the register the generator has just written (its village collectives and natural persons),
with a random stream of its own per county, so the register, the feeds and the manifest stay byte for byte
what they were: this only adds three files under ``register/``.

- ``villages.csv``: every village collective (N2) with its township (from its name) and whether it is a
  community (社区, in a 街道) or a village;
- ``households.csv``: households of persons of the county, one row per member (户主 first); the first
  person of the first county heads one, so the demo's person has a household file;
- ``rural-operators.csv``: 家庭农场 (USCC 92…) and 农民专业合作社 (93…) in the register's columns.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from collections import defaultdict
from pathlib import Path

from xinyong.kit.ids import make_uscc
from xinyong.subjects.models import SubjectKind
from xinyong.subjects.register import REGISTER_COLUMNS
from xinyong.synth import names
from xinyong.synth.places import COUNTIES, County
from xinyong.synth.subjects import STRIDE, org_body

# The loader's columns (``rural.registry``; a test keeps the two equal).
VILLAGE_COLUMNS = ("uscc", "township", "unit_kind")
HOUSEHOLD_COLUMNS = ("household", "village_uscc", "name", "member_id_card", "member_name", "relation")
HOUSEHOLD_SHARE = 0.35  # persons of a county who live in a rural household
SIZES = names.Picker([("1", 0.15), ("2", 0.35), ("3", 0.3), ("4", 0.2)])
RELATIONS = ("户主", "配偶", "子女", "子女")
FARMS_PER_VILLAGE = 0.6
COOPERATIVE_PER_TOWN = 0.5
PRODUCE = ("柑橘", "杨梅", "西兰花", "茶叶", "葡萄", "水稻", "蔬菜", "文旦", "枇杷", "甲鱼")
OPERATOR_BASE = STRIDE // 2  # organisation numbers above the main stream's (codes never collide)


def _township(county: County, name: str) -> str:
    rest = name.removeprefix(county.name)
    return next((t for t in county.towns if rest.startswith(t)), county.towns[0])


def _read(register: Path) -> tuple[dict[str, list[tuple[str, str]]], dict[str, list[tuple[str, str]]]]:
    """Return each county's village collectives (USCC, name) and persons (ID number, name), in file order."""
    villages: dict[str, list[tuple[str, str]]] = defaultdict(list)
    persons: dict[str, list[tuple[str, str]]] = defaultdict(list)
    with register.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["kind"] == SubjectKind.VILLAGE_COLLECTIVE.value:
                villages[row["region_code"]].append((row["uscc"], row["name"]))
            elif row["kind"] == SubjectKind.NATURAL_PERSON.value:
                persons[row["region_code"]].append((row["id_card"], row["name"]))
    return villages, persons


def _households(
    rng: random.Random,
    county: County,
    villages: list[tuple[str, str]],
    persons: list[tuple[str, str]],
    first: bool,
) -> list[list[str]]:
    """Group some of the county's persons into households of its villages (rows of ``households.csv``)."""
    rows: list[list[str]] = []
    chosen = [p for i, p in enumerate(persons) if (first and i == 0) or rng.random() < HOUSEHOLD_SHARE]
    n = 0
    while chosen:
        size = int(SIZES(rng))
        members, chosen = chosen[:size], chosen[size:]
        n += 1
        village = villages[0][0] if first and n == 1 else rng.choice(villages)[0]
        key = f"{county.code}-{n:06d}"
        for (id_card, name), relation in zip(members, RELATIONS, strict=False):
            rows.append([key, village, f"{members[0][1]}户", id_card, name, relation])
    return rows


def _operators(
    rng: random.Random, index: int, county: County, villages: list[tuple[str, str]]
) -> list[list[str]]:
    """Return family farms per village and a cooperative in some towns (``REGISTER_COLUMNS`` rows)."""
    rows: list[list[str]] = []
    seq = 0

    def row(kind: SubjectKind, head: str, name: str) -> list[str]:
        nonlocal seq
        seq += 1
        body = org_body(index * STRIDE + OPERATOR_BASE + seq, prefix="MA", reserved=frozenset())
        established = dt.date(2014, 1, 1) + dt.timedelta(days=rng.randrange(11 * 365))
        uscc = make_uscc(head[0], head[1], county.code, body)
        rep = names.person_name(rng)
        return [kind.value, name, uscc, "", county.code, "农业", rep, established.isoformat(), "存续"]

    for _uscc, village in villages:
        town = _township(county, village)
        farms = int(FARMS_PER_VILLAGE) + (rng.random() < FARMS_PER_VILLAGE % 1)
        for _ in range(farms):
            owner = rng.choice(names.SURNAMES[:20]) + rng.choice("建国伟明华林海军平新")
            rows.append(row(SubjectKind.FAMILY_FARM, "92", f"{county.name}{town}{owner}家庭农场"))
    for town in sorted({_township(county, v) for _u, v in villages}):
        if rng.random() < COOPERATIVE_PER_TOWN:
            produce = rng.choice(PRODUCE)
            rows.append(row(SubjectKind.FARMERS_COOPERATIVE, "93", f"{county.name}{town}{produce}专业合作社"))
    return rows


def _write(path: Path, header: tuple[str, ...], rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def generate(out: Path, register: Path, *, seed: int) -> dict[str, int]:
    """Write ``villages.csv``, ``households.csv`` and ``rural-operators.csv`` beside the register."""
    villages, persons = _read(register)
    village_rows: list[list[str]] = []
    household_rows: list[list[str]] = []
    operator_rows: list[list[str]] = []
    for i, county in enumerate(COUNTIES):
        rng = random.Random(f"{seed}:rural:{county.code}")
        own = villages.get(county.code, [])
        if not own:
            continue
        for uscc, name in own:
            town = _township(county, name)
            village_rows.append([uscc, town, "community" if town.endswith("街道") else "village"])
        household_rows += _households(rng, county, own, persons.get(county.code, []), first=i == 0)
        operator_rows += _operators(rng, i, county, own)
    folder = out / "register"
    _write(folder / "villages.csv", VILLAGE_COLUMNS, village_rows)
    _write(folder / "households.csv", HOUSEHOLD_COLUMNS, household_rows)
    _write(folder / "rural-operators.csv", REGISTER_COLUMNS, operator_rows)
    return {
        "villages": len(village_rows),
        "households": len({r[0] for r in household_rows}),
        "members": len(household_rows),
        "rural_operators": len(operator_rows),
    }
