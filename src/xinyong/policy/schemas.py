"""Pydantic models of the core policy documents: regions, departments, catalog, periods, severity."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Literal

from pydantic import Field, model_validator

from xinyong.policy.base import Strict, Versioned

SEVERITIES = ("轻微", "一般", "严重")
Severity = Literal["轻微", "一般", "严重"]
Disclosure = Literal["public", "shared", "authorised"]
FieldType = Literal[
    "text",
    "date",
    "decimal",
    "amount_wan",
    "enum",
    "multi_enum",
    "uscc",
    "org_code",
    "id_number",
    "int",
    "bool",
]
XdrCategory = Literal["法人及非法人组织", "自然人", "个体工商户"]


class FormerCode(Strict):
    """A region code no longer in use."""

    code: str = Field(pattern=r"^\d{6}$")
    name: str
    until: dt.date


class Region(Strict):
    """An administrative region (行政区划)."""

    code: str = Field(pattern=r"^\d{6}$")
    name: str
    level: Literal["city", "district", "county", "county_city"]
    parent: str | None = None
    former_codes: list[FormerCode] = []


class Regions(Versioned):
    """The city and its counties and districts: the city is the one region without a parent."""

    source: str
    regions: list[Region]

    @model_validator(mode="after")
    def _one_city(self) -> Regions:
        roots = [r for r in self.regions if r.parent is None]
        if len(roots) != 1 or roots[0].level != "city":
            raise ValueError("regions: 须有且仅有一个无上级区划的市级区划（平台所在城市）")
        return self

    @property
    def city(self) -> Region:
        """Return the platform's city: the root of the region tree."""
        return next(r for r in self.regions if r.parent is None)


class DepartmentSpec(Strict):
    """A department that provides or uses credit information."""

    code: str = Field(pattern=r"^[A-Z0-9][A-Z0-9-]*$")
    name: str
    short_name: str | None = None
    region: str
    domain: str
    uscc: str | None = None
    # 撤销、合并的部门留在名录里并写明截止日：旧批次仍关联它，截止日后它的报送被拒收。
    valid_to: dt.date | None = None


class Departments(Versioned):
    """All departments."""

    departments: list[DepartmentSpec]


class EnumValue(Strict):
    """One value of an enumeration: exchange code, Chinese label, accepted variants."""

    code: str
    label: str
    aliases: list[str] = []


class Enums(Versioned):
    """Shared enumerations used by catalog fields."""

    enums: dict[str, list[EnumValue]]


class CatalogField(Strict):
    """A field of a catalog item."""

    name: str
    label: str
    type: FieldType
    required: bool = False
    required_for: list[XdrCategory] = []
    enum_ref: str | None = None
    aliases: list[str] = []
    disclosure: Literal["public", "restricted"] = "public"
    max_length: int | None = None

    @model_validator(mode="after")
    def _enum_has_ref(self) -> CatalogField:
        if self.type in ("enum", "multi_enum") and not self.enum_ref:
            raise ValueError(f"字段 {self.name} 是枚举类型，但没有 enum_ref")
        return self


RoleName = Literal[
    "subject_name",
    "subject_category",
    "uscc",
    "reg_no",
    "org_code",
    "person_id",
    "person_id_type",
    "legal_rep",
    "document_no",
    "decision_on",
    "valid_from",
    "valid_to",
    "publication_end",
    "list_end",
    "list_type",
    "authority",
    "authority_uscc",
    "source_unit",
    "source_unit_uscc",
    "penalty_types",
    "fine_wan",
    "confiscation_wan",
    "amount_wan",
    "sentence_end",
]


class CatalogItem(Versioned):
    """An item of the public credit information catalog (公共信用信息目录).

    Nothing outside the catalog may enter a credit record.
    """

    name: str
    category: str
    section: Literal[
        "基础信息", "行政管理", "诚实守信", "严重失信", "经营异常", "信用承诺", "信用评价", "司法判决", "其他"
    ]
    polarity: Literal["negative", "positive", "neutral"]
    disclosure: Disclosure
    subject_categories: list[XdrCategory]
    roles: dict[RoleName, str]
    fields: list[CatalogField]

    @model_validator(mode="after")
    def _roles_and_fields(self) -> CatalogItem:
        names = [f.name for f in self.fields]
        dupes = {n for n in names if names.count(n) > 1}
        if dupes:
            raise ValueError(f"目录项 {self.id} 字段重复：{sorted(dupes)}")
        missing = {r: f for r, f in self.roles.items() if f not in names}
        if missing:
            raise ValueError(f"目录项 {self.id} 的 roles 指向不存在的字段：{missing}")
        for required in ("subject_name", "document_no", "decision_on"):
            if required not in self.roles:
                raise ValueError(f"目录项 {self.id} 缺少 roles.{required}")
        return self

    def field(self, name: str) -> CatalogField:
        """Return the field called ``name``."""
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)


class ClassPeriod(Strict):
    """Publication periods of one severity class under a regime."""

    publish: Literal["required", "optional", "never"]
    min_months: int = Field(ge=0)
    max_months: int = Field(ge=0)
    note: str | None = None

    @model_validator(mode="after")
    def _min_le_max(self) -> ClassPeriod:
        if self.min_months > self.max_months:
            raise ValueError("最短公示期不能长于最长公示期")
        return self


class RegimeScope(Strict):
    """Which records a regime applies to."""

    catalog_items: list[str]
    domains: list[str] = []


class NotPublished(Strict):
    """Penalties a regime does not publish at all."""

    penalty_types_only: list[str] = []
    procedures: list[str] = []


class ShortPeriod(Strict):
    """A shorter period for light penalties (SAMR Order 45 Art. 13)."""

    months: int
    penalty_types: list[str] = []
    fine_below_wan: float | None = None


class PublicityRegime(Versioned):
    """A publicity and repair regime (公示期规则) with periods per severity class."""

    name: str
    basis: str
    scope: RegimeScope
    period_start: Literal["decision_on"]
    classes: dict[Severity, ClassPeriod]
    domain_min_months: dict[str, int] = {}
    not_published: NotPublished | None = None
    short_period: ShortPeriod | None = None
    no_early_stop_penalty_types: list[str] = []
    unrepairable_note: str | None = None

    @model_validator(mode="after")
    def _all_classes(self) -> PublicityRegime:
        missing = set(SEVERITIES) - set(self.classes)
        if missing:
            raise ValueError(f"公示期规则 {self.id} 缺少严重程度：{sorted(missing)}")
        return self


class ChannelRegime(Strict):
    """A regime governing a channel's publication over a period of decision dates."""

    regime: str
    effective_from: dt.date
    effective_to: dt.date | None = None
    basis: str

    def in_force(self, on: dt.date) -> bool:
        """Tell whether this entry governs records decided on ``on``."""
        return self.effective_from <= on and (self.effective_to is None or on <= self.effective_to)


class Channel(Strict):
    """A publication channel (公示渠道) and the regimes that govern it."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str
    basis: str
    domains: list[str] = []  # only records of these departments' domains go there (empty: all)
    subject_kinds_excluded: list[str] = []
    governed_by: list[ChannelRegime]

    def carries(self, domain: str | None, subject_kind: str | None) -> bool:
        """Tell whether a record of a department's ``domain`` about a ``subject_kind`` goes to this channel."""
        if self.domains and domain not in self.domains:
            return False
        return not (subject_kind and subject_kind in self.subject_kinds_excluded)


class Channels(Versioned):
    """Which regime governs which publication channel (``policy/channels.yaml``)."""

    name: str
    basis: str
    platform: str
    channels: list[Channel]

    @model_validator(mode="after")
    def _consistent(self) -> Channels:
        ids = [c.id for c in self.channels]
        if len(set(ids)) != len(ids):
            raise ValueError(f"渠道编码重复：{ids}")
        if self.platform not in ids:
            raise ValueError(f"本平台渠道 {self.platform} 未定义")
        for c in self.channels:
            spans = sorted(c.governed_by, key=lambda g: g.effective_from)
            for a, b in itertools.pairwise(spans):
                if a.effective_to is None or a.effective_to >= b.effective_from:
                    raise ValueError(f"渠道 {c.id} 的规则 {a.regime} 与 {b.regime} 生效期重叠")
        return self

    def channel(self, channel_id: str) -> Channel:
        """Return a channel by id."""
        return next(c for c in self.channels if c.id == channel_id)


class FineThresholds(Strict):
    """Amount thresholds (万元) moving a fine to 轻微 or 严重."""

    minor_below: float
    serious_from: float


class SeverityMap(Versioned):
    """Default mapping from penalty types to severity classes."""

    classes: list[Severity]
    default: Severity
    penalty_types: dict[str, Severity]
    procedures: dict[str, Severity] = {}
    fine_thresholds_wan: FineThresholds
    domains: dict[str, dict[str, Severity]] = {}
    catalog_items: dict[str, Severity] = {}


class Retention(Versioned):
    """Zhejiang's retention of negative information and personal-information rules."""

    name: str
    basis: str
    negative_retention_months: int
    criminal_sentence_field: str
    extend_while_listed: bool
    natural_person_public: bool
    query_log_retention_years: int


class StatutoryHoliday(Strict):
    """A holiday of the 全国年节及纪念日放假办法: how its first day is found, and how many days."""

    name: str
    kind: Literal["solar", "lunar", "lunar_new_year_eve", "solar_term"]
    days: int = Field(ge=1, le=7)
    month: int = Field(default=0, ge=0, le=12)
    day: int = Field(default=0, ge=0, le=31)
    term: str = ""

    @model_validator(mode="after")
    def _complete(self) -> StatutoryHoliday:
        if self.kind in ("solar", "lunar") and not (self.month and self.day):
            raise ValueError(f"{self.name}: {self.kind} 需要 month 和 day")
        if self.kind == "solar_term" and not self.term:
            raise ValueError(f"{self.name}: solar_term 需要 term（节气名）")
        return self


class StatutoryHolidays(Versioned):
    """A revision of the statutory holidays, for years without an official schedule (暂定日历)."""

    name: str
    basis: str
    weekend_compensation: bool
    holidays: list[StatutoryHoliday]


class CalendarYear(Versioned):
    """Holiday overrides for a year the calendar package does not know."""

    year: int
    source: str
    holidays: list[dt.date]
    workdays: list[dt.date]

    @model_validator(mode="after")
    def _in_year(self) -> CalendarYear:
        for day in [*self.holidays, *self.workdays]:
            if day.year != self.year:
                raise ValueError(f"{self.id}: 日期 {day} 不在 {self.year} 年")
        if set(self.holidays) & set(self.workdays):
            raise ValueError(f"{self.id}: 同一天既是假日又是调休工作日")
        return self
