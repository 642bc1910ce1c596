"""One large feed file of a single catalog item (for ingest benchmarks), with its own register.

``generate_bulk(out, item="xzcf", rows=1_000_000)`` writes ``register/subjects.csv``, exactly ``rows``
records in ``feeds/<item>/BULK_<rows>.<fmt>`` (plus the rows ``mess`` adds) and ``manifest.json`` in the
same layout as ``generate``. It streams like ``generate``: memory does not grow with ``rows``.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import random
import shutil
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xinyong.policy.schemas import CatalogItem
from xinyong.settings import ROOT
from xinyong.subjects.register import REGISTER_COLUMNS
from xinyong.synth.context import Ctx, Value, add_years
from xinyong.synth.feeds import DepartmentIndex
from xinyong.synth.generate import YEARS, load_inputs, subject_fields
from xinyong.synth.items import ITEMS
from xinyong.synth.mess import DEFECTS, ItemFields, Mess
from xinyong.synth.names import Picker
from xinyong.synth.places import COUNTIES
from xinyong.synth.subjects import CountyGenerator, SynthSubject, split_by_population
from xinyong.synth.writers import CsvFeed, XlsxFeed

FLUSH_ROWS = 20_000


@dataclass(frozen=True)
class _Plan:
    """How much to write and how: organisations and persons in the register, records, seed and mess."""

    organisations: int
    persons: int
    rows: int
    seed: int
    mess: float


@dataclass
class _Feed:
    """The feed file being written and what is counted while writing it."""

    item: CatalogItem
    spec: Any
    writer: CsvFeed | XlsxFeed
    xlsx: bool
    end: dt.date
    start: dt.date
    counters: Counter[str] = field(default_factory=Counter)
    defects: Counter[str] = field(default_factory=Counter)
    kinds: Counter[str] = field(default_factory=Counter)
    written: int = 0

    def seq(self, key: str) -> int:
        self.counters[key] += 1
        return self.counters[key]


def generate_bulk(
    out: Path,
    *,
    item: str = "xzcf",
    rows: int = 1_000_000,
    seed: int = 1,
    mess: float = 0.0,
    end: dt.date = dt.date(2026, 10, 31),
    fmt: str = "csv",
    encoding: str = "utf-8",
    header: str = "codes",
) -> dict[str, Any]:
    """Write a register and one feed file with exactly ``rows`` records of ``item``; return a summary."""
    departments, catalog = load_inputs(ROOT / "policy")
    spec, entry_item = ITEMS[item], catalog[item]
    out = out.resolve()
    for name in ("register", "feeds"):
        if (out / name).exists():
            shutil.rmtree(out / name)
    (out / "register").mkdir(parents=True)
    organisations = max(500, rows // 5)
    persons = organisations // 5 if spec.person_domains else 0
    names = [f.label if header == "labels" else f.name for f in entry_item.fields]
    rel = f"feeds/{item}/BULK_{rows}.{fmt}"
    writer: CsvFeed | XlsxFeed = (
        XlsxFeed(out / rel, names, sheet=entry_item.name)
        if fmt == "xlsx"
        else CsvFeed(out / rel, names, encoding)
    )
    feed = _Feed(entry_item, spec, writer, fmt == "xlsx", end, add_years(end, -YEARS) + dt.timedelta(days=1))
    plan = _Plan(organisations, persons, rows, seed, mess)
    _write(out, feed, departments, plan)
    writer.close()
    entry = {
        "path": rel,
        "source_id": item,
        "catalog_item": item,
        "department": None,
        "year": None,
        "format": fmt,
        "encoding": None if fmt == "xlsx" else encoding,
        "header": header,
        "rows": feed.written,
        "records": rows,
        "defects": dict(sorted(feed.defects.items())),
    }
    _write_manifest(out, feed, entry, plan)
    return {
        "out": str(out),
        "register": str(out / "register" / "subjects.csv"),
        "manifest": str(out / "manifest.json"),
        "feed": str(out / rel),
        "subjects": organisations + persons,
        "records": rows,
        "rows": feed.written,
        "files": 1,
        "seed": seed,
        "defects": dict(feed.defects),
    }


def _write(out: Path, feed: _Feed, departments: Any, plan: _Plan) -> None:
    """Write the register and, subject by subject, its share of the ``rows`` records."""
    organisations, persons, rows, seed, mess = (
        plan.organisations,
        plan.persons,
        plan.rows,
        plan.seed,
        plan.mess,
    )
    spec, entry_item = feed.spec, feed.item
    fields = [f.name for f in entry_item.fields]
    item_fields = ItemFields.of(entry_item)
    index = DepartmentIndex(departments.departments)
    reserved = frozenset(d.uscc[8:16] for d in departments.departments if d.uscc)
    pick_org, pick_person = Picker(spec.org_domains), Picker(spec.person_domains or spec.org_domains)
    noise = Mess(mess, random.Random(f"{seed}:bulk-mess"))
    total, done = organisations + persons, 0
    with (out / "register" / "subjects.csv").open("w", encoding="utf-8", newline="") as fh:
        register = csv.writer(fh, lineterminator="\n")
        register.writerow(REGISTER_COLUMNS)
        org_counts, person_counts = split_by_population(organisations), split_by_population(persons)
        for i, county in enumerate(COUNTIES):
            gen = CountyGenerator(seed, i, feed.end, reserved)
            rng = random.Random(f"{seed}:bulk:{county.code}")
            for stream in (gen.organisations(org_counts[i]), gen.persons(person_counts[i])):
                for subject in stream:
                    feed.kinds[subject.kind.value] += 1
                    register.writerow(subject.register_row())
                    quota = (done + 1) * rows // total - done * rows // total
                    done += 1
                    for _ in range(quota):
                        on = _decision_day(subject, rng, feed.start, feed.end)
                        domain = (pick_person if subject.is_person else pick_org)(rng)
                        dept = index.find(domain, county, rng)
                        abbr = county.abbr if dept.region == county.code else "台"
                        row = subject_fields(entry_item, subject)
                        row.update(spec.build(Ctx(rng, subject, on, dept, abbr, feed.end, feed.seq), domain))
                        for emitted in noise.apply(item_fields, subject, row, feed.defects, xlsx=feed.xlsx):
                            _add(feed, fields, emitted.row, emitted.columns)
                        if feed.writer.pending >= FLUSH_ROWS:
                            feed.writer.flush()


def _add(feed: _Feed, fields: list[str], row: dict[str, Value], columns: int) -> None:
    """Add one emitted row; a row with a column too many or too few stays so (a defect on purpose)."""
    cells: list[Value] = list(map(row.get, fields))
    if columns > 0:
        cells.append("备注：数据导出")
    elif columns < 0:
        cells.pop()
    feed.writer.add(cells)
    feed.written += 1


def _write_manifest(out: Path, feed: _Feed, entry: dict[str, Any], plan: _Plan) -> None:
    organisations, persons, rows, seed, mess = (
        plan.organisations,
        plan.persons,
        plan.rows,
        plan.seed,
        plan.mess,
    )
    all_defects = Counter(dict.fromkeys(DEFECTS, 0)) + feed.defects
    manifest = {
        "generator": "xinyong synth bulk",
        "seed": seed,
        "mess": mess,
        "start": feed.start.isoformat(),
        "end": feed.end.isoformat(),
        "register": {"path": "register/subjects.csv", "encoding": "utf-8", "columns": list(REGISTER_COLUMNS)},
        "totals": {
            "subjects": organisations + persons,
            "organisations": organisations,
            "persons": persons,
            "by_kind": dict(sorted(feed.kinds.items())),
            "files": 1,
            "rows": feed.written,
            "records": rows,
            "defects": {k: all_defects.get(k, 0) for k in DEFECTS},
            "defective_records": sum(feed.defects.values()),
        },
        "files": [entry],
    }
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", "utf-8")


def _decision_day(subject: SynthSubject, rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    first = start
    if subject.established_on is not None:
        first = min(max(start, subject.established_on + dt.timedelta(days=30)), end)
    day = first + dt.timedelta(days=int(rng.random() * ((end - first).days + 1)))
    if day.weekday() >= 5 and day - dt.timedelta(days=day.weekday() - 4) >= first:
        day -= dt.timedelta(days=day.weekday() - 4)
    return day
