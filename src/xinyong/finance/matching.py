"""Match a subject against 信易贷 products, criterion by criterion, with a reason for each (pure).

Every criterion answers 符合 (met), 不符合 (not met) or 无法判断 (unknown — the fact is missing, or the
subject did not authorise the score); a product matches only when every criterion is met.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass
from typing import Protocol

from xinyong.finance.rules import Eligibility, GradeRule, Product


class Verdict(enum.StrEnum):
    """The answer to one criterion."""

    MET = "met"
    NOT_MET = "not_met"
    UNKNOWN = "unknown"


VERDICT_LABELS = {Verdict.MET: "符合", Verdict.NOT_MET: "不符合", Verdict.UNKNOWN: "无法判断"}


@dataclass(frozen=True)
class GradeFact:
    """A subject's grade under one model (``None`` grade: not evaluated; ``visible`` False: not authorised)."""

    model: str
    grade: str | None
    visible: bool = True


@dataclass(frozen=True)
class Facts:
    """What matching knows about a subject."""

    kind: str
    industry: str | None
    region_code: str | None
    established_on: dt.date | None
    grade: GradeFact | None
    listed: bool | None  # on a serious-dishonesty list in force (None: unknown)


@dataclass(frozen=True)
class Criterion:
    """One criterion's answer, for people and machines."""

    code: str
    verdict: Verdict
    reason: str


class GradeOrder(Protocol):
    """Does grade A reach grade B under a model, and what is the model called? From the evaluation models."""

    def __call__(self, model_id: str, grade: str, minimum: str) -> bool | None: ...

    def name(self, model_id: str) -> str:
        """Return the model's Chinese name (a person reads the reason)."""
        ...


def years_between(start: dt.date, on: dt.date) -> int:
    """Return whole years from ``start`` to ``on``."""
    return on.year - start.year - ((on.month, on.day) < (start.month, start.day))


def grade_criterion(rule: GradeRule, fact: GradeFact | None, at_least: GradeOrder) -> Criterion:
    """Answer a grade requirement from the subject's grade under the named model."""
    need = f"{at_least.name(rule.model)}评价等级达到“{rule.min_grade}”及以上"
    if fact is not None and not fact.visible:
        return Criterion("grade", Verdict.UNKNOWN, f"{need}：主体未授权查询信用评分，无法判断")
    if fact is None or fact.grade is None or fact.model != rule.model:
        return Criterion("grade", Verdict.UNKNOWN, f"{need}：尚无该模型的评价结果")
    ok = at_least(rule.model, fact.grade, rule.min_grade)
    if ok is None:
        return Criterion("grade", Verdict.UNKNOWN, f"{need}：等级“{fact.grade}”不在该模型的等级表中")
    verdict = Verdict.MET if ok else Verdict.NOT_MET
    return Criterion("grade", verdict, f"{need}：当前等级“{fact.grade}”，{VERDICT_LABELS[verdict]}")


def _kind(e: Eligibility, f: Facts) -> Criterion:
    ok = f.kind in e.subject_kinds
    return Criterion(
        "subject_kind",
        Verdict.MET if ok else Verdict.NOT_MET,
        f"主体类别须为{'、'.join(e.subject_kinds)}：本主体为{f.kind}，{'符合' if ok else '不符合'}",
    )


def _industry(e: Eligibility, f: Facts) -> Criterion | None:
    if not e.industries and not e.excluded_industries:
        return None
    if not f.industry:
        return Criterion("industry", Verdict.UNKNOWN, "行业条件：主体未登记行业，无法判断")
    banned = [w for w in e.excluded_industries if w in f.industry]
    if banned:
        return Criterion(
            "industry", Verdict.NOT_MET, f"行业条件：{f.industry}属于不支持的行业（{banned[0]}）"
        )
    if e.industries and not any(w in f.industry for w in e.industries):
        return Criterion(
            "industry", Verdict.NOT_MET, f"行业须属于{'、'.join(e.industries)}：本主体为{f.industry}，不符合"
        )
    return Criterion("industry", Verdict.MET, f"行业条件：{f.industry}，符合")


def _region(e: Eligibility, f: Facts, names: dict[str, str]) -> Criterion | None:
    if not e.regions:
        return None
    wanted = "、".join(names.get(r, r) for r in e.regions)
    if not f.region_code:
        return Criterion("region", Verdict.UNKNOWN, f"注册地须在{wanted}：主体未登记区划，无法判断")
    ok = f.region_code in e.regions
    here = names.get(f.region_code, f.region_code)
    return Criterion(
        "region",
        Verdict.MET if ok else Verdict.NOT_MET,
        f"注册地须在{wanted}：本主体在{here}，{'符合' if ok else '不符合'}",
    )


def _years(e: Eligibility, f: Facts, on: dt.date) -> Criterion | None:
    if e.min_years is None:
        return None
    if f.established_on is None:
        return Criterion("years", Verdict.UNKNOWN, f"须成立满 {e.min_years} 年：成立日期未知，无法判断")
    years = years_between(f.established_on, on)
    ok = years >= e.min_years
    return Criterion(
        "years",
        Verdict.MET if ok else Verdict.NOT_MET,
        f"须成立满 {e.min_years} 年：已成立 {years} 年，{'符合' if ok else '不符合'}",
    )


def _lists(e: Eligibility, f: Facts) -> Criterion | None:
    if not e.no_list_in_force:
        return None
    if f.listed is None:
        return Criterion("no_list", Verdict.UNKNOWN, "不在严重失信主体名单、失信被执行人名单内：无法判断")
    if f.listed:
        return Criterion(
            "no_list", Verdict.NOT_MET, "须不在严重失信主体名单、失信被执行人名单内：目前在列，不符合"
        )
    return Criterion("no_list", Verdict.MET, "不在严重失信主体名单、失信被执行人名单内：符合")


def match(
    product: Product, facts: Facts, on: dt.date, at_least: GradeOrder, region_names: dict[str, str]
) -> list[Criterion]:
    """Answer every criterion of ``product`` for a subject with ``facts`` on ``on``."""
    e = product.eligibility
    found = [
        _kind(e, facts),
        grade_criterion(e.grade, facts.grade, at_least) if e.grade else None,
        _industry(e, facts),
        _region(e, facts, region_names),
        _years(e, facts, on),
        _lists(e, facts),
    ]
    return [c for c in found if c is not None]


def overall(criteria: list[Criterion]) -> Verdict:
    """Return the product's answer: met when all are met, not met when one is not, else unknown."""
    verdicts = {c.verdict for c in criteria}
    if Verdict.NOT_MET in verdicts:
        return Verdict.NOT_MET
    return Verdict.UNKNOWN if Verdict.UNKNOWN in verdicts else Verdict.MET
