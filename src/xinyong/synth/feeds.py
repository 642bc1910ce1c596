"""Department feeds: records of every catalog item, split per department and year, in real formats.

A ``FeedSet`` routes each generated row to its file (``feeds/<source_id>/<DEPT>_<year>.<ext>``),
choosing each file's format once from the seed: 双公示 files come as UTF-8 CSV with the national codes,
GBK CSV, UTF-8-with-BOM CSV with Chinese labels, XLSX with Chinese labels and real Excel dates, and
(before 2022) the legacy CF_ codes. Rows are buffered with a global cap, so memory stays bounded.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xinyong.policy.schemas import CatalogItem, DepartmentSpec
from xinyong.synth.context import Row, Value
from xinyong.synth.mess import ItemFields, Mess
from xinyong.synth.places import CITY_DEPT_PREFIX, County
from xinyong.synth.subjects import SynthSubject
from xinyong.synth.writers import CsvFeed, XlsxFeed

BUFFER_ROWS = 20_000  # rows held across all files before everything is flushed
COUNTY_DOMAINS = {"market_regulation": "SCJG", "tax": "SW", "court": "FY", "credit": "FGJ"}
SHARED_FORMATS = (  # (format, encoding, header, weight) of 双公示 files
    ("csv", "utf-8", "codes", 40.0),
    ("csv", "gbk", "codes", 20.0),
    ("csv", "utf-8-sig", "labels", 15.0),
    ("xlsx", "", "labels", 25.0),
)


class DepartmentIndex:
    """Find the department of a domain for a county (county bureau if it has one, else the city's)."""

    def __init__(self, departments: list[DepartmentSpec]) -> None:
        self.by_code = {d.code: d for d in departments}
        self.city = {d.domain: d for d in departments if d.code.startswith(f"{CITY_DEPT_PREFIX}-")}

    def find(self, domain: str, county: County, rng: random.Random) -> DepartmentSpec:
        """Return the department that decides a ``domain`` matter for a subject of ``county``."""
        suffix = COUNTY_DOMAINS.get(domain)
        if domain == "court" and rng.random() < 0.15:
            return self.by_code["TZ-ZY"]
        if suffix and f"{county.dept_prefix}-{suffix}" in self.by_code:
            return self.by_code[f"{county.dept_prefix}-{suffix}"]
        if domain == "credit":
            return self.by_code["TZ-FGW"]
        return self.city[domain]


@dataclass
class FeedFile:
    """One output file and what the manifest says about it."""

    path: str
    source_id: str
    department: str
    year: int
    format: str
    encoding: str
    header: str
    writer: CsvFeed | XlsxFeed
    fields: list[str]
    rows: int = 0
    records: int = 0
    defects: Counter[str] = field(default_factory=Counter)

    def entry(self) -> dict[str, Any]:
        """Return the manifest entry."""
        return {
            "path": self.path,
            "source_id": self.source_id,
            "catalog_item": self.source_id,
            "department": self.department,
            "year": self.year,
            "format": self.format,
            "encoding": self.encoding or None,
            "header": self.header,
            "rows": self.rows,
            "records": self.records,
            "defects": dict(sorted(self.defects.items())),
        }


def _legacy_name(item: CatalogItem, name: str) -> str:
    for f in item.fields:
        if f.name == name:
            return next((a for a in f.aliases if a.startswith("CF_")), name)
    return name


class FeedSet:
    """All feed files being written."""

    def __init__(self, out: Path, catalog: dict[str, CatalogItem], *, seed: int, mess: Mess) -> None:
        self.out = out
        self.catalog = catalog
        self.seed = seed
        self.mess = mess
        self.files: dict[tuple[str, str, int], FeedFile] = {}
        self.specs = {item_id: ItemFields.of(item) for item_id, item in catalog.items()}
        self._pending = 0

    def _open(self, item_id: str, dept: DepartmentSpec, year: int) -> FeedFile:
        item = self.catalog[item_id]
        rng = random.Random(f"{self.seed}:format:{item_id}:{dept.code}:{year}")
        fmt, encoding, header = "csv", "utf-8", "codes"
        if item_id in ("xzcf", "xzxk"):
            choice = rng.choices(SHARED_FORMATS, weights=[w for *_, w in SHARED_FORMATS])[0]
            fmt, encoding, header = choice[0], choice[1], choice[2]
            if item_id == "xzcf" and header == "codes" and year <= 2021 and rng.random() < 0.4:
                header = "legacy"
        fields = [f.name for f in item.fields]
        if header == "labels":
            names = [f.label for f in item.fields]
        elif header == "legacy":
            names = [_legacy_name(item, n) for n in fields]
        else:
            names = list(fields)
        rel = f"feeds/{item_id}/{dept.code}_{year}.{fmt}"
        path = self.out / rel
        writer: CsvFeed | XlsxFeed
        if fmt == "xlsx":
            writer = XlsxFeed(path, names, sheet=f"{item.name}{year}")
        else:
            writer = CsvFeed(path, names, encoding)
        feed = FeedFile(rel, item_id, dept.code, year, fmt, encoding, header, writer, fields)
        self.files[(item_id, dept.code, year)] = feed
        return feed

    def add(self, item_id: str, dept: DepartmentSpec, subject: SynthSubject, row: Row) -> None:
        """Write one record (and whatever defects the mess adds) to its file."""
        year = _year_of(row, self.specs[item_id])
        key = (item_id, dept.code, year)
        feed = self.files.get(key) or self._open(item_id, dept, year)
        feed.records += 1
        for emitted in self.mess.apply(
            self.specs[item_id], subject, row, feed.defects, xlsx=feed.format == "xlsx"
        ):
            cells: list[Value] = list(map(emitted.row.get, feed.fields))
            if emitted.columns > 0:
                cells.append("备注：数据导出")
            elif emitted.columns < 0:
                cells.pop()
            feed.writer.add(cells)
            feed.rows += 1
            self._pending += 1
        if self._pending >= BUFFER_ROWS:
            self.flush()

    def flush(self) -> None:
        """Append buffered rows to their files, the fullest first, until half the buffer is free.

        Files with a few rows wait for more, so a flush opens few files however many there are.
        """
        for feed in sorted(self.files.values(), key=lambda f: (-f.writer.pending, f.path)):
            if self._pending <= BUFFER_ROWS // 2:
                break
            self._pending -= feed.writer.pending
            feed.writer.flush()

    def close(self) -> list[dict[str, Any]]:
        """Finish every file and return the manifest entries, sorted by path."""
        for feed in self.files.values():
            feed.writer.close()
        return [f.entry() for f in sorted(self.files.values(), key=lambda f: f.path)]


def _year_of(row: Row, spec: ItemFields) -> int:
    value = row.get(spec.decision)
    if isinstance(value, dt.date):
        return value.year
    raise ValueError(f"row without a decision date: {spec.decision}")
