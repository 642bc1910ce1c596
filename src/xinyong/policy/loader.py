"""Load and validate the policy directory; compute its content hash.

Every file is validated with ``extra="forbid"`` models; duplicates, dangling references and
overlapping regimes are reported together, each naming its file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Generic, TypeVar, cast, overload

import yaml
from pydantic import BaseModel, ValidationError

from xinyong.errors import PolicyError
from xinyong.kit.holidays import HolidayRule
from xinyong.kit.holidays import StatutoryHolidays as StatutoryRules
from xinyong.kit.validation import message_zh
from xinyong.kit.workdays import WorkdayCalendar, YearCalendar
from xinyong.policy.schemas import (
    SEVERITIES,
    CalendarYear,
    CatalogItem,
    Channels,
    Departments,
    Enums,
    EnumValue,
    PublicityRegime,
    Regions,
    Retention,
    SeverityMap,
    StatutoryHolidays,
)

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)


def statutory_rules(docs: list[StatutoryHolidays]) -> list[StatutoryRules]:
    """Return the statutory holiday revisions as the working-day calendar takes them."""
    return [
        StatutoryRules(
            effective_from=d.effective_from,
            effective_to=d.effective_to,
            rules=tuple(HolidayRule(h.name, h.kind, h.days, h.month, h.day, h.term) for h in d.holidays),
            weekend_compensation=d.weekend_compensation,
            basis=d.basis,
        )
        for d in docs
    ]


def policy_hash(policy_dir: Path) -> str:
    """Return the SHA-256 over every file's relative path and bytes, in path order."""
    digest = hashlib.sha256()
    for path in sorted(p for p in policy_dir.rglob("*") if p.is_file()):
        digest.update(path.relative_to(policy_dir).as_posix().encode("utf-8") + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


class Problems:
    """Collects every policy problem, each with the file it comes from."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.items: list[str] = []

    def add(self, path: Path | str, message: str) -> None:
        """Record one problem."""
        rel = path.relative_to(self.root).as_posix() if isinstance(path, Path) else path
        self.items.append(f"{rel}: {message}")

    def raise_if_any(self) -> None:
        """Raise ``PolicyError`` listing every problem."""
        if self.items:
            raise PolicyError(
                "政策数据校验失败：\n" + "\n".join(f"  - {p}" for p in self.items),
                problems=self.items,
            )


# libyaml's safe loader where the build has it (the same documents, several times faster to parse)
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(path: Path, problems: Problems) -> Any:
    """Read one YAML file, recording a syntax error as a problem."""
    try:
        return yaml.load(path.read_text("utf-8"), Loader=_SafeLoader)  # noqa: S506 - a safe loader
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        problems.add(path, f"YAML 无法解析：{exc}")
        return None


def load_model(path: Path, model: type[M], problems: Problems) -> M | None:
    """Validate one file against ``model``; record errors as problems."""
    data = read_yaml(path, problems)
    if data is None:
        if path.exists() and not problems.items:
            problems.add(path, "文件为空")
        return None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            loc = ".".join(str(p) for p in err["loc"])
            zh = message_zh(str(err["type"]), str(err["msg"]))
            problems.add(path, f"{loc}: {zh or '取值不合法'}" + ("" if zh else f"（{err['msg']}）"))
        return None


def load_file(policy: Policy, relative: str, model: type[M]) -> M:
    """Load one file of a capability's section (``relative`` to the policy root); raise its problems."""
    problems = Problems(policy.root)
    doc = load_model(policy.root / relative, model, problems)
    problems.raise_if_any()
    if doc is None:
        raise AssertionError("unreachable: problems were raised above")
    return doc


def load_dir(directory: Path, model: type[M], problems: Problems, *, pattern: str = "*.yaml") -> list[M]:
    """Validate every YAML file of a directory, refusing duplicate ids."""
    docs: list[M] = []
    seen: dict[str, Path] = {}
    for path in sorted(directory.glob(pattern)) if directory.is_dir() else []:
        doc = load_model(path, model, problems)
        if doc is None:
            continue
        doc_id = str(getattr(doc, "id", path.stem))
        if doc_id in seen:
            problems.add(path, f"id “{doc_id}” 与 {seen[doc_id].name} 重复")
            continue
        seen[doc_id] = path
        docs.append(doc)
    return docs


@dataclass(frozen=True)
class Section(Generic[T_co]):
    """A capability's policy section: its name (memo key, ``policy check``) and its typed loader.

    Declared once beside its loader (``SECTION = Section("workflows", load)``) and read with
    ``policy.section(SECTION)``, which returns the loader's own type; ``xinyong.policy_sections``
    lists every declared section by reference.
    """

    name: str
    load: Callable[[Policy], T_co]


@dataclass
class Policy:
    """The loaded policy: core documents plus memoised capability sections."""

    root: Path
    hash: str
    regions: Regions
    departments: Departments
    enums: Enums
    catalog: dict[str, CatalogItem]
    regimes: list[PublicityRegime]
    severity: SeverityMap
    retention: Retention
    calendar: WorkdayCalendar
    channels: Channels
    _sections: dict[str, object] = field(default_factory=dict, repr=False)
    _labels: dict[str, Mapping[str, str]] = field(default_factory=dict, repr=False)
    # re-entrant: a section's loader may read other sections (products check the institutions and models)
    _lock: threading.RLock = field(default_factory=threading.RLock, repr=False)

    @property
    def short_hash(self) -> str:
        """Return the first 12 hex characters of the policy hash."""
        return self.hash[:12]

    @overload
    def section(self, spec: Section[T], /) -> T: ...

    @overload
    def section(self, spec: str, load: Callable[[Policy], T], /) -> T: ...

    def section(self, spec: Section[T] | str, load: Callable[[Policy], T] | None = None, /) -> T:
        """Return a capability's own policy section (or a value derived from the policy), loading it once."""
        name, loader = (spec.name, spec.load) if isinstance(spec, Section) else (spec, load)
        if loader is None:
            raise TypeError("a section named by string needs its loader")
        with self._lock:
            if name not in self._sections:
                self._sections[name] = loader(self)
            # the name is bound to one loader (checked by ``policy_sections``), so the value is its T
            return cast(T, self._sections[name])

    @property
    def city_region(self) -> str:
        """Return the code of the platform's city (the root of ``regions.yaml``); a city-level caller sees all."""
        return self.regions.city.code

    def region_codes(self) -> set[str]:
        """Return current and former region codes."""
        codes = {r.code for r in self.regions.regions}
        codes |= {f.code for r in self.regions.regions for f in r.former_codes}
        return codes

    def region_name(self, code: str | None) -> str | None:
        """Return the current name of a region code (former codes map to their successor)."""
        for r in self.regions.regions:
            if r.code == code or any(f.code == code for f in r.former_codes):
                return r.name
        return None

    def enum_labels(self, ref: str) -> Mapping[str, str]:
        """Return a map from every accepted spelling (code, label, alias) to the canonical label.

        Built once per enum and policy (record facts ask for it per record), read-only.
        """
        got = self._labels.get(ref)
        if got is None:
            got = self._labels[ref] = _spellings(self.enums.enums[ref])
        return got

    def regime(self, regime_id: str) -> PublicityRegime:
        """Return a publicity regime by id."""
        return next(r for r in self.regimes if r.id == regime_id)


def _spellings(values: Iterable[EnumValue]) -> Mapping[str, str]:
    out: dict[str, str] = {}
    for value in values:
        for spelling in (value.code, value.label, *value.aliases):
            out[spelling] = value.label
    return MappingProxyType(out)


def _cross_check(
    problems: Problems,
    regions: Regions,
    departments: Departments,
    enums: Enums,
    catalog: dict[str, CatalogItem],
    regimes: list[PublicityRegime],
    severity: SeverityMap,
) -> None:
    root = problems.root
    region_codes = {r.code for r in regions.regions}
    seen_codes: set[str] = set()
    for r in regions.regions:
        if r.code in seen_codes:
            problems.add("regions.yaml", f"行政区划代码 {r.code} 重复")
        seen_codes.add(r.code)
        if r.parent and r.parent not in region_codes:
            problems.add("regions.yaml", f"{r.name} 的上级区划 {r.parent} 不存在")
    dept_codes: set[str] = set()
    for d in departments.departments:
        if d.code in dept_codes:
            problems.add("departments.yaml", f"部门编码 {d.code} 重复")
        dept_codes.add(d.code)
        if d.region not in region_codes:
            problems.add("departments.yaml", f"部门 {d.code} 的区划 {d.region} 不存在")
    for item in catalog.values():
        for f in item.fields:
            if f.enum_ref and f.enum_ref not in enums.enums:
                problems.add(
                    root / "catalog" / f"{item.id}.yaml", f"字段 {f.name} 引用了不存在的枚举 {f.enum_ref}"
                )
    for regime in regimes:
        for item_id in regime.scope.catalog_items:
            if item_id not in catalog:
                problems.add(root / "periods" / f"{regime.id}.yaml", f"适用目录项 {item_id} 不存在")
    for i, a in enumerate(regimes):
        for b in regimes[i + 1 :]:
            same_scope = set(a.scope.catalog_items) & set(b.scope.catalog_items) and (
                set(a.scope.domains) == set(b.scope.domains)
            )
            if same_scope and a.overlaps(b):
                problems.add("periods/", f"公示期规则 {a.id} 与 {b.id} 的适用范围相同且生效期重叠")
    penalty_labels = {v.label for v in enums.enums.get("penalty_type", [])}
    for label in severity.penalty_types:
        if label not in penalty_labels:
            problems.add("severity.yaml", f"处罚类别 {label} 不在枚举 penalty_type 中")
    for sev in [severity.default, *severity.penalty_types.values()]:
        if sev not in SEVERITIES:
            problems.add("severity.yaml", f"未知严重程度 {sev}")
    for item_id in severity.catalog_items:
        if item_id not in catalog:
            problems.add("severity.yaml", f"目录项 {item_id} 不存在")


def _check_channels(problems: Problems, channels: Channels, regimes: list[PublicityRegime]) -> None:
    """Every channel's regime exists and governs only inside its own effective range."""
    by_id = {r.id: r for r in regimes}
    for c in channels.channels:
        for g in c.governed_by:
            regime = by_id.get(g.regime)
            if regime is None:
                problems.add("channels.yaml", f"渠道 {c.id} 引用了不存在的公示期规则 {g.regime}")
                continue
            end, regime_end = g.effective_to or dt.date.max, regime.effective_to or dt.date.max
            if g.effective_from < regime.effective_from or end > regime_end:
                problems.add("channels.yaml", f"渠道 {c.id} 适用 {g.regime} 的期间超出该规则本身的生效期")


def load_policy(root: Path) -> Policy:
    """Load and validate the whole policy directory, or raise ``PolicyError`` listing every problem."""
    root = root.resolve()
    problems = Problems(root)
    if not root.is_dir():
        problems.add(str(root), "政策目录不存在")
        problems.raise_if_any()
    regions = load_model(root / "regions.yaml", Regions, problems)
    departments = load_model(root / "departments.yaml", Departments, problems)
    enums = load_model(root / "catalog" / "enums.yaml", Enums, problems)
    catalog_docs = load_dir(root / "catalog", CatalogItem, problems, pattern="[!e]*.yaml")
    regimes = load_dir(root / "periods", PublicityRegime, problems)
    severity = load_model(root / "severity.yaml", SeverityMap, problems)
    retention = load_model(root / "retention.yaml", Retention, problems)
    channels = load_model(root / "channels.yaml", Channels, problems)
    years = load_dir(root / "calendar", CalendarYear, problems)
    statutory = load_dir(root / "calendar" / "statutory", StatutoryHolidays, problems)
    if not catalog_docs:
        problems.add("catalog/", "目录为空")
    if regions is None or departments is None or enums is None or severity is None or retention is None:
        problems.raise_if_any()
    if regions is None or departments is None or enums is None or severity is None or retention is None:
        raise AssertionError("unreachable: problems were raised above")
    if channels is None:
        problems.raise_if_any()
        raise AssertionError("unreachable: problems were raised above")
    catalog = {c.id: c for c in catalog_docs}
    _cross_check(problems, regions, departments, enums, catalog, regimes, severity)
    _check_channels(problems, channels, regimes)
    problems.raise_if_any()
    calendar = WorkdayCalendar.of(
        (YearCalendar(y.year, frozenset(y.holidays), frozenset(y.workdays)) for y in years),
        statutory_rules(statutory),
    )
    return Policy(
        root=root,
        hash=policy_hash(root),
        regions=regions,
        departments=departments,
        enums=enums,
        catalog=catalog,
        regimes=regimes,
        severity=severity,
        retention=retention,
        calendar=calendar,
        channels=channels,
    )
