"""信易贷 policy as data: loan products (``policy/finance/products.yaml``) and the 贴息 and 信保基金 rules
(``policy/finance/subsidies.yaml``), validated at load and cross-checked against the institutions
register, the evaluation models and the regions, so ``xinyong policy check`` refuses a bad reference.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from pydantic import Field, model_validator

from xinyong.evaluation import service as evaluation_service
from xinyong.policy.base import Strict, Versioned
from xinyong.policy.loader import Policy, Problems, Section, load_model
from xinyong.registers.institutions import institutions_of
from xinyong.subjects.models import SubjectKind


class GradeRule(Strict):
    """A grade of a named evaluation model, at least."""

    model: str = Field(description="评价模型 id（policy/models/）")
    min_grade: str


class Dated(Strict):
    """An entry with its own effective dates (``effective_to`` inclusive)."""

    effective_from: dt.date
    effective_to: dt.date | None = None

    def in_force(self, on: dt.date) -> bool:
        """Tell whether the entry is in force on ``on``."""
        return self.effective_from <= on and (self.effective_to is None or on <= self.effective_to)


class Eligibility(Strict):
    """Who a product is for; an absent criterion does not restrict."""

    subject_kinds: list[str] = Field(min_length=1)
    grade: GradeRule | None = None
    industries: list[str] = Field(default_factory=list, description="行业名称含其中任一词即符合")
    excluded_industries: list[str] = Field(default_factory=list)
    regions: list[str] = Field(default_factory=list, description="县（市、区）代码；空为全市")
    min_years: int | None = Field(default=None, ge=0, description="成立（经营）满若干年")
    no_list_in_force: bool = Field(default=True, description="不在严重失信主体名单、失信被执行人名单内")


class Range(Strict):
    """An inclusive range."""

    min: int = Field(gt=0)
    max: int = Field(gt=0)

    @model_validator(mode="after")
    def _ordered(self) -> Range:
        if self.max < self.min:
            raise ValueError("max 小于 min")
        return self


class Product(Dated):
    """A 信易贷 loan product of a registered institution."""

    id: str = Field(pattern=r"^[a-z0-9-]+$")
    institution: str
    name: str
    description: str
    eligibility: Eligibility
    amount_yuan: Range
    term_months: Range
    annual_rate: Decimal = Field(gt=0, lt=1, description="参考年利率")


class Products(Versioned):
    """The product catalogue."""

    basis: str
    products: list[Product]

    def __len__(self) -> int:
        return len(self.products)

    def get(self, product_id: str) -> Product | None:
        """Return the product with ``product_id``."""
        return next((p for p in self.products if p.id == product_id), None)


class SubsidyRule(Dated):
    """What every subsidy rule states: its id, name, basis and who it is for."""

    id: str = Field(pattern=r"^[a-z0-9-]+$")
    name: str
    basis: str
    subject_kinds: list[str] = Field(min_length=1)
    grade: GradeRule | None = None


class InterestSubsidy(SubsidyRule):
    """贴息: the city pays part of the interest of a credit loan to a trustworthy subject."""

    rate_points: Decimal = Field(gt=0, lt=1, description="贴息的年利率百分点（如 0.01 即 1 个百分点）")
    max_share_of_rate: Decimal = Field(gt=0, le=1, description="贴息不超过贷款利率的比例")
    max_term_months: int = Field(gt=0, description="贴息的最长月数")
    cap_yuan: int = Field(gt=0, description="每笔贴息上限（元）")


class GuaranteeFund(SubsidyRule):
    """信保基金: a credit guarantee fund that guarantees part of a loan for a fee."""

    fee_rate: Decimal = Field(gt=0, lt=1, description="年担保费率")
    coverage: Decimal = Field(gt=0, le=1, description="基金承担的代偿比例")
    max_amount_yuan: int = Field(gt=0, description="单户担保贷款上限（元）")


class Subsidies(Versioned):
    """The subsidy rules."""

    basis: str
    interest_subsidies: list[InterestSubsidy]
    guarantee_funds: list[GuaranteeFund]

    def __len__(self) -> int:
        return len(self.interest_subsidies) + len(self.guarantee_funds)


def check_grade(policy: Policy, problems: Problems, path: Path, where: str, rule: GradeRule | None) -> None:
    """Record a problem when ``rule`` names an unknown model or a grade its model does not have."""
    if rule is None:
        return
    model = next((m for m in evaluation_service.models_of(policy).models if m.id == rule.model), None)
    if model is None:
        problems.add(path, f"{where} 引用了不存在的评价模型 {rule.model}")
    elif rule.min_grade not in model.ranked_grades:
        problems.add(path, f"{where}：模型 {rule.model} 没有等级 {rule.min_grade}")


def check_kinds(problems: Problems, path: Path, where: str, kinds: list[str]) -> None:
    """Record a problem for every unknown subject kind."""
    known = {k.value for k in SubjectKind}
    for kind in kinds:
        if kind not in known:
            problems.add(path, f"{where}：主体类别 {kind} 不存在")


def load_products(policy: Policy) -> Products:
    """Load the product catalogue; refuse unknown institutions, models, grades, kinds and regions."""
    problems = Problems(policy.root)
    path = policy.root / "finance" / "products.yaml"
    doc = load_model(path, Products, problems)
    if doc is not None:
        codes = {i.code for i in institutions_of(policy).institutions}
        seen: set[str] = set()
        for p in doc.products:
            where = f"产品 {p.id}"
            if p.id in seen:
                problems.add(path, f"{where} 重复")
            seen.add(p.id)
            if p.institution not in codes:
                problems.add(path, f"{where} 的机构 {p.institution} 不在机构名录中")
            check_grade(policy, problems, path, where, p.eligibility.grade)
            check_kinds(problems, path, where, p.eligibility.subject_kinds)
            for region in p.eligibility.regions:
                if region not in policy.region_codes():
                    problems.add(path, f"{where} 的区划 {region} 不存在")
    problems.raise_if_any()
    if doc is None:
        raise AssertionError("unreachable: problems were raised above")
    return doc


def load_subsidies(policy: Policy) -> Subsidies:
    """Load the 贴息 and 信保基金 rules; refuse unknown models, grades and kinds, and duplicate ids."""
    problems = Problems(policy.root)
    path = policy.root / "finance" / "subsidies.yaml"
    doc = load_model(path, Subsidies, problems)
    if doc is not None:
        rules: list[SubsidyRule] = [*doc.interest_subsidies, *doc.guarantee_funds]
        ids = [r.id for r in rules]
        for dup in sorted({i for i in ids if ids.count(i) > 1}):
            problems.add(path, f"规则 {dup} 重复")
        for r in rules:
            check_grade(policy, problems, path, f"规则 {r.id}", r.grade)
            check_kinds(problems, path, f"规则 {r.id}", r.subject_kinds)
    problems.raise_if_any()
    if doc is None:
        raise AssertionError("unreachable: problems were raised above")
    return doc


PRODUCTS = Section("finance_products", load_products)
SUBSIDIES = Section("finance_subsidies", load_subsidies)


def products_of(policy: Policy) -> Products:
    """Return the product catalogue (loaded once)."""
    return policy.section(PRODUCTS)


def subsidies_of(policy: Policy) -> Subsidies:
    """Return the subsidy rules (loaded once)."""
    return policy.section(SUBSIDIES)
