"""Sources as data: one ``policy/sources/<id>.yaml`` per feed (数据源), validated and cross-checked.

A source names the catalog item it feeds, who may feed it (a fixed department, or a per-row
resolution of the department from USCC columns for the national 双公示 formats), the accepted formats,
extra header spellings, the date formats departments write, the expected frequency, volume assertions
and values refused with a reason (e.g. the criminal 罚金 is not an administrative penalty).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Literal

from pydantic import Field, model_validator

from xinyong.errors import NotFound
from xinyong.policy.base import Strict, Versioned
from xinyong.policy.loader import Policy, Problems, Section, load_dir
from xinyong.policy.schemas import CatalogItem

Format = Literal["csv", "xlsx", "json"]


class VolumeAssertion(Strict):
    """Rows a normal batch carries; outside the range the batch is accepted with a warning."""

    min_rows: int = Field(ge=0)
    max_rows: int = Field(ge=1)

    @model_validator(mode="after")
    def _ordered(self) -> VolumeAssertion:
        if self.min_rows > self.max_rows:
            raise ValueError("min_rows 不能大于 max_rows")
        return self


class Frequency(Strict):
    """How often the department is expected to send (a longer gap is a quality warning)."""

    label: str
    max_gap_days: int = Field(ge=1)


class Timeliness(Strict):
    """A publication deadline in working days after the decision (双公示: 7 个工作日)."""

    workdays: int = Field(ge=1)
    basis: str


class RefusedValue(Strict):
    """A value that is refused in a field, with the stable code and the Chinese reason."""

    field: str
    value: str
    code: str
    message: str


class SourceSpec(Versioned):
    """One department feed (数据源)."""

    name: str
    catalog_item: str
    department: str | None = None
    departments: list[str] = []
    department_by: list[str] = []
    formats: list[Format]
    columns: dict[str, str] = {}
    date_formats: list[str]
    excel_serial_dates: bool = True
    frequency: Frequency
    volume: VolumeAssertion
    timeliness: Timeliness | None = None
    refused_values: list[RefusedValue] = []
    max_amount_wan: float = Field(default=1_000_000, gt=0)
    note: str | None = None

    @model_validator(mode="after")
    def _who_feeds(self) -> SourceSpec:
        if not self.department and not self.department_by:
            raise ValueError(f"数据源 {self.id} 需要 department 或 department_by 之一")
        return self


def header_key(text: str) -> str:
    """Return the comparable form of a column header (NFKC, no spaces or BOM, brackets unified)."""
    key = unicodedata.normalize("NFKC", text).replace("\ufeff", "").strip()
    return "".join(key.split()).upper()


@dataclass(frozen=True)
class Source:
    """A source with its catalog item and the resolved header map."""

    spec: SourceSpec
    item: CatalogItem
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def id(self) -> str:
        """Return the source id."""
        return self.spec.id

    def field_for(self, header: str) -> str | None:
        """Return the catalog field a header maps to, or ``None`` (outside the catalog)."""
        return self.headers.get(header_key(header))

    def may_feed(self, department_code: str) -> bool:
        """Tell whether a department may send this source (an empty ``departments`` list admits any)."""
        allowed = set(self.spec.departments)
        return (
            not allowed
            or department_code in allowed
            or department_code == self.spec.department
            or bool(self.spec.department_by)
        )


def _header_map(spec: SourceSpec, item: CatalogItem) -> dict[str, str]:
    out: dict[str, str] = {}
    for f in item.fields:
        for spelling in (f.name, f.label, *f.aliases):
            out.setdefault(header_key(spelling), f.name)
    for spelling, name in spec.columns.items():
        out[header_key(spelling)] = name
    return out


@dataclass(frozen=True)
class Sources:
    """Every source, by id (sized, as ``policy check`` expects)."""

    by_id: dict[str, Source]

    def __len__(self) -> int:
        return len(self.by_id)

    def get(self, source_id: str) -> Source:
        """Return a source or raise ``NotFound``."""
        source = self.by_id.get(source_id)
        if source is None:
            raise NotFound(f"数据源 {source_id} 不存在（见 policy/sources/）", code="ingest.source_unknown")
        return source


def load(policy: Policy) -> Sources:
    """Load and cross-check ``policy/sources/*.yaml``."""
    problems = Problems(policy.root)
    specs = load_dir(policy.root / "sources", SourceSpec, problems)
    dept_codes = {d.code for d in policy.departments.departments}
    out: dict[str, Source] = {}
    for spec in specs:
        where = policy.root / "sources" / f"{spec.id}.yaml"
        item = policy.catalog.get(spec.catalog_item)
        if item is None:
            problems.add(where, f"目录项 {spec.catalog_item} 不存在")
            continue
        names = {f.name for f in item.fields}
        for code in [*([spec.department] if spec.department else []), *spec.departments]:
            if code not in dept_codes:
                problems.add(where, f"部门 {code} 不在 departments.yaml 中")
        for name in [*spec.department_by, *spec.columns.values(), *(r.field for r in spec.refused_values)]:
            if name not in names:
                problems.add(where, f"字段 {name} 不是目录项 {item.id} 的字段")
        out[spec.id] = Source(spec=spec, item=item, headers=_header_map(spec, item))
    problems.raise_if_any()
    return Sources(out)


SECTION = Section("sources", load)


def sources(policy: Policy) -> Sources:
    """Return the memoised sources of a policy."""
    return policy.section(SECTION)
