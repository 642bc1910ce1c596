"""专项信用报告 (信用代证): per chosen domain and period, the violations found or the statement that none were.

Pure: takes the items the reader may see (already decided by the rule core) and the special-report
policy (``policy/reports/special.yaml``); says per domain which items count as 违法违规记录 and which do
not, each with the policy basis (repaired, 轻微, outside the period, another domain or category).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from pydantic import Field, model_validator

from xinyong.kit.dates import add_months
from xinyong.policy.base import Strict, Versioned
from xinyong.policy.loader import Policy, Problems, Section, load_model

REPAIRED_MARK = "已修复"


class Counting(Strict):
    """Which records count as 违法违规记录, and the basis of each exclusion."""

    catalog_items: list[str] = Field(min_length=1)
    excluded_severities: list[str] = []
    excluded_severity_basis: str
    repaired_basis: str
    period_basis: str


class Domain(Strict):
    """A domain a subject may choose (市场监管, 税务 …): the departments and categories it covers."""

    id: str = Field(pattern=r"^[a-z_]+$")
    name: str
    department_domains: list[str] = Field(min_length=1)
    catalog_items: list[str] = Field(min_length=1)


class SpecialPolicy(Versioned):
    """The special-report policy."""

    basis: str
    max_period_months: int = Field(gt=0)
    counting: Counting
    domains: list[Domain] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> SpecialPolicy:
        ids = [d.id for d in self.domains]
        names = [d.name for d in self.domains]
        if len(set(ids)) != len(ids) or len(set(names)) != len(names):
            raise ValueError("专项报告领域的 id 或名称重复")
        return self

    def __len__(self) -> int:
        return len(self.domains)

    def find(self, key: str) -> Domain | None:
        """Return the domain with id or Chinese name ``key``."""
        return next((d for d in self.domains if key in (d.id, d.name)), None)


def load(policy: Policy) -> SpecialPolicy:
    """Load ``policy/reports/special.yaml`` and check its references to the catalog and departments."""
    problems = Problems(policy.root)
    path = policy.root / "reports" / "special.yaml"
    doc = load_model(path, SpecialPolicy, problems)
    if doc is not None:
        known_domains = {d.domain for d in policy.departments.departments}
        for item in doc.counting.catalog_items:
            if item not in policy.catalog:
                problems.add(path, f"计入类别 {item} 不在信用信息目录中")
        for d in doc.domains:
            for item in d.catalog_items:
                if item not in doc.counting.catalog_items:
                    problems.add(path, f"领域 {d.name} 的类别 {item} 不在计入类别中")
            for dom in d.department_domains:
                if dom not in known_domains:
                    problems.add(path, f"领域 {d.name} 引用的部门领域 {dom} 没有对应部门")
    problems.raise_if_any()
    if doc is None:
        raise AssertionError("unreachable: problems were raised above")
    return doc


SECTION = Section("special_reports", load)


def special_policy(policy: Policy) -> SpecialPolicy:
    """Return the special-report policy section (loaded once)."""
    return policy.section(SECTION)


@dataclass(frozen=True)
class Candidate:
    """An item the reader may see, with what counting needs (typed, no ORM)."""

    key: int
    catalog_item: str
    department_domain: str | None
    decision_on: dt.date | None
    severity: str | None
    marks: tuple[str, ...]
    counted: bool


@dataclass(frozen=True)
class Verdict:
    """One domain's result: the items found (counted) and those shown but not counted, with the reason."""

    domain: Domain
    found: tuple[int, ...]
    excluded: tuple[tuple[int, str], ...]
    statement: str


def check_period(start: dt.date, end: dt.date, on: dt.date, rules: SpecialPolicy) -> str | None:
    """Return the problem with a chosen period (Chinese), or ``None`` when it is allowed."""
    if end < start:
        return "期间的结束日期不能早于开始日期"
    if end > on:
        return "期间不能晚于出具日"
    if add_months(start, rules.max_period_months) < end:
        return f"期间最长 {rules.max_period_months} 个月"
    return None


def _period_text(start: dt.date, end: dt.date) -> str:
    return f"{start.year}年{start.month}月{start.day}日至{end.year}年{end.month}月{end.day}日"


def judge(
    candidates: Iterable[Candidate],
    domains: Iterable[Domain],
    start: dt.date,
    end: dt.date,
    rules: SpecialPolicy,
) -> list[Verdict]:
    """Decide, per domain, which visible items are 违法违规记录 in the period and which are not (and why)."""
    items = list(candidates)
    out = []
    period = _period_text(start, end)
    for domain in domains:
        found: list[int] = []
        excluded: list[tuple[int, str]] = []
        for c in items:
            if c.department_domain not in domain.department_domains:
                continue
            if c.catalog_item not in domain.catalog_items:
                continue
            if c.decision_on is None or not start <= c.decision_on <= end:
                continue  # outside the period: not part of this report (period_basis says so)
            if REPAIRED_MARK in c.marks:
                excluded.append((c.key, f"已修复，不计入：{rules.counting.repaired_basis}"))
            elif c.severity in rules.counting.excluded_severities:
                excluded.append(
                    (c.key, f"{c.severity}失信，不计入：{rules.counting.excluded_severity_basis}")
                )
            elif not c.counted:
                excluded.append((c.key, "依信息披露规则不再使用，不计入"))
            else:
                found.append(c.key)
        if found:
            statement = f"在{period}期间，发现{domain.name}领域违法违规记录 {len(found)} 条，详见下表。"
        else:
            statement = f"在{period}期间未发现{domain.name}领域违法违规记录。"
        out.append(Verdict(domain, tuple(found), tuple(excluded), statement))
    return out


def department_domains(policy: Policy) -> Mapping[str, str]:
    """Return department code → domain (from ``departments.yaml``)."""
    return {d.code: d.domain for d in policy.departments.departments}
