"""Generate a synthetic Taizhou: the subject register and six years of department feeds.

Deterministic: the same scale, seed, mess and end date give the same bytes. Generation streams county
by county; nothing holds all subjects or rows, so the city scale (≈1M organisations, 2M persons, 20M
records) runs in bounded memory.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import random
import shutil
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from xinyong.policy.schemas import CatalogItem, Departments
from xinyong.settings import ROOT
from xinyong.subjects.models import SubjectKind
from xinyong.subjects.register import REGISTER_COLUMNS
from xinyong.synth import registration
from xinyong.synth import rural as rural_synth
from xinyong.synth.agencies import generate_agencies
from xinyong.synth.context import Ctx, Row, add_years
from xinyong.synth.feeds import DepartmentIndex, FeedSet
from xinyong.synth.items import ITEMS, PLANS, group_of
from xinyong.synth.mess import DEFECTS, Mess
from xinyong.synth.places import COUNTIES
from xinyong.synth.subjects import ORG_KINDS, CountyGenerator, SynthSubject, split_by_population

YEARS = 6
ACTIVE_YEARS = {"ent": 4.0, "ind": 3.6, "org": 5.0, "person": 6.0}  # mean years a subject is in the window


@dataclass(frozen=True)
class Scale:
    """Target sizes of a scale."""

    organisations: int
    persons: int
    records: int


SCALES = {
    "small": Scale(3_000, 2_000, 20_000),
    "medium": Scale(100_000, 200_000, 2_000_000),
    "city": Scale(1_000_000, 2_000_000, 20_000_000),
}


def _yaml(path: Path) -> Any:
    return yaml.load(path.read_text("utf-8"), Loader=yaml.CSafeLoader)


def load_inputs(policy_dir: Path) -> tuple[Departments, dict[str, CatalogItem]]:
    """Read the departments and the catalog the feeds follow (validated by their policy models)."""
    departments = Departments.model_validate(_yaml(policy_dir / "departments.yaml"))
    items = [
        CatalogItem.model_validate(_yaml(p)) for p in sorted((policy_dir / "catalog").glob("[!e]*.yaml"))
    ]
    return departments, {c.id: c for c in items}


def bulk_factor(scale: Scale) -> float:
    """Return the multiplier of the bulk items' rates that makes a scale reach its record volume."""
    share = dict(ORG_KINDS)
    total_share = sum(share.values())
    counts: dict[str, float] = {"ent": 0.0, "ind": 0.0, "org": 0.0, "person": 0.0}
    for kind, weight in share.items():
        counts[group_of(SubjectKind(kind))] += scale.organisations * weight / total_share
    counts["person"] += scale.persons
    fixed, bulk = 0.0, 0.0
    for spec in ITEMS.values():
        for group, n in counts.items():
            expected = n * spec.rates.get(group, 0.0) * ACTIVE_YEARS[group]
            if spec.bulk:
                bulk += expected
            else:
                fixed += expected
    return max(scale.records - fixed, 0.0) / bulk if bulk else 0.0


def plan_records(
    subject: SynthSubject, rng: random.Random, start: dt.date, end: dt.date, bulk: float
) -> Iterator[tuple[str, dt.date, str]]:
    """Yield (catalog item, decision date, domain) of each record a subject collects."""
    active_from = start
    if subject.established_on is not None:
        active_from = max(start, subject.established_on + dt.timedelta(days=30))
    days = (end - active_from).days
    if days <= 0:
        return
    years = days / 365.25
    random_ = rng.random
    for plan in PLANS[group_of(subject.kind)]:
        expected = plan.rate * (bulk if plan.bulk else 1.0) * years
        count = int(expected)
        if random_() < expected - count:
            count += 1
        for _ in range(count):
            on = active_from + dt.timedelta(days=int(random_() * (days + 1)))
            if on.weekday() >= 5:  # decisions are signed on working days
                on -= dt.timedelta(days=on.weekday() - 4)
                if on < active_from:
                    on += dt.timedelta(days=3)
            yield plan.item_id, min(on, end), plan.pick_domain(rng)
    yield from _burst(subject, active_from, days, end)
    yield from registration.changes(subject, active_from, days, end)


# A firm in trouble: penalised by several departments within weeks (what 信用大脑's burst signal looks for).
# Drawn from the subject's own generator, so the main stream — and every other record — is unchanged.
BURST_RATE = 0.02
BURST_DOMAINS = ("market_regulation", "environment", "work_safety", "fire", "tax", "construction")


def _burst(
    subject: SynthSubject, active_from: dt.date, days: int, end: dt.date
) -> Iterator[tuple[str, dt.date, str]]:
    if group_of(subject.kind) != "ent" or not subject.uscc:
        return
    own = random.Random(f"burst:{subject.uscc}")
    if own.random() >= BURST_RATE:
        return
    first = active_from + dt.timedelta(days=int(own.random() * (days + 1)))
    for k, domain in enumerate(own.sample(BURST_DOMAINS, 3)):
        on = first + dt.timedelta(days=20 * k + own.randrange(10))
        if on.weekday() >= 5:
            on -= dt.timedelta(days=on.weekday() - 4)
        yield "xzcf", min(on, end), domain


def subject_fields(item: CatalogItem, subject: SynthSubject) -> Row:
    """Return the subject's columns of a row of ``item`` (name, category, codes, legal representative)."""
    roles = item.roles
    row: Row = {roles["subject_name"]: subject.name, roles["subject_category"]: subject.xdr_category}
    if subject.is_person:
        row[roles["person_id_type"]] = "身份证"
        row[roles["person_id"]] = subject.id_card
    else:
        row[roles["uscc"]] = subject.uscc
        if "legal_rep" in roles:
            row[roles["legal_rep"]] = subject.legal_rep
    return row


def _reset(out: Path) -> None:
    for name in ("register", "feeds"):
        if (out / name).exists():
            shutil.rmtree(out / name)
    (out / "register").mkdir(parents=True)


def generate(out: Path, *, scale: str, seed: int, mess: float, end: dt.date) -> dict[str, Any]:
    """Write ``register/subjects.csv``, ``feeds/<source>/<DEPT>_<year>.*`` and ``manifest.json``."""
    cfg = SCALES[scale]
    out = out.resolve()
    departments, catalog = load_inputs(ROOT / "policy")
    reserved = frozenset(d.uscc[8:16] for d in departments.departments if d.uscc)
    index = DepartmentIndex(departments.departments)
    start = add_years(end, -YEARS) + dt.timedelta(days=1)
    bulk = bulk_factor(cfg)
    _reset(out)
    feeds = FeedSet(out, catalog, seed=seed, mess=Mess(mess, random.Random(f"{seed}:mess")))
    counters: Counter[str] = Counter()

    def seq(key: str) -> int:
        counters[key] += 1
        return counters[key]

    kinds: Counter[str] = Counter()
    register = out / "register" / "subjects.csv"
    org_counts = split_by_population(cfg.organisations)
    person_counts = split_by_population(cfg.persons)
    with register.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(REGISTER_COLUMNS)
        for i, county in enumerate(COUNTIES):
            gen = CountyGenerator(seed, i, end, reserved)
            rng = random.Random(f"{seed}:records:{county.code}")
            for stream in (gen.organisations(org_counts[i]), gen.persons(person_counts[i])):
                for subject in stream:
                    kinds[subject.kind.value] += 1
                    writer.writerow(subject.register_row())
                    for item_id, on, domain in plan_records(subject, rng, start, end, bulk):
                        own = registration.row_rng(subject, item_id, on)  # None: the county's main stream
                        dept = index.find(domain, county, own or rng)
                        abbr = county.abbr if dept.region == county.code else "台"
                        ctx = Ctx(own or rng, subject, on, dept, abbr, end, seq)
                        row = subject_fields(catalog[item_id], subject)
                        row.update(ITEMS[item_id].build(ctx, domain))
                        feeds.add(item_id, dept, subject, row)
    entries = feeds.close()
    manifest = _manifest(entries, kinds, scale=scale, seed=seed, mess=mess, start=start, end=end)
    summary = _write_manifest(out, register, manifest) | {"scale": scale, "seed": seed, "mess": mess}
    summary |= rural_synth.generate(
        out, register, seed=seed
    )  # its own files and random stream, after the rest
    # last, from its own random stream: the register, feeds and manifest above are unchanged by it
    summary["agencies"] = generate_agencies(
        out, register, seed=seed, organisations=cfg.organisations, persons=cfg.persons, start=start, end=end
    )
    return summary


def _write_manifest(out: Path, register: Path, manifest: dict[str, Any]) -> dict[str, Any]:
    """Write ``manifest.json``; return the summary's paths and totals."""
    path = out / "manifest.json"
    path.write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    totals = manifest["totals"]
    keys = ("subjects", "organisations", "persons", "records", "rows", "files", "defects")
    return {"out": str(out), "register": str(register), "manifest": str(path)} | {k: totals[k] for k in keys}


def _manifest(
    entries: list[dict[str, Any]],
    kinds: Counter[str],
    *,
    scale: str,
    seed: int,
    mess: float,
    start: dt.date,
    end: dt.date,
) -> dict[str, Any]:
    defects: Counter[str] = Counter(dict.fromkeys(DEFECTS, 0))
    by_item: dict[str, dict[str, int]] = {}
    for e in entries:
        defects.update(e["defects"])
        item = by_item.setdefault(e["source_id"], {"files": 0, "rows": 0, "records": 0})
        item["files"] += 1
        item["rows"] += e["rows"]
        item["records"] += e["records"]
    persons = kinds.get("自然人", 0)
    return {
        "generator": "xinyong synth",
        "scale": scale,
        "seed": seed,
        "mess": mess,
        "start": start.isoformat(),
        "end": end.isoformat(),
        "register": {"path": "register/subjects.csv", "encoding": "utf-8", "columns": list(REGISTER_COLUMNS)},
        "totals": {
            "subjects": sum(kinds.values()),
            "organisations": sum(kinds.values()) - persons,
            "persons": persons,
            "by_kind": dict(sorted(kinds.items())),
            "files": len(entries),
            "rows": sum(e["rows"] for e in entries),
            "records": sum(e["records"] for e in entries),
            "by_item": dict(sorted(by_item.items())),
            "defects": dict(defects),
            "defective_records": sum(defects.values()),
        },
        "files": entries,
    }
