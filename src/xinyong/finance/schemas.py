"""Pydantic I/O of 信易贷: institutions, product matching, applications, statistics and subsidies."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field, computed_field

from xinyong.finance.matching import Verdict
from xinyong.finance.states import Action, Status
from xinyong.kit.dates import InputDate


class InstitutionRead(BaseModel):
    """A registered institution a subject may authorise."""

    code: str
    name: str
    kind_label: str


class CriterionRead(BaseModel):
    """One criterion of a product with its answer."""

    code: str
    verdict: Verdict
    verdict_label: str
    reason: str


class ProductMatch(BaseModel):
    """A product and how the subject matches it."""

    id: str
    institution: str
    institution_name: str
    name: str
    description: str
    amount_min_yuan: int
    amount_max_yuan: int
    term_min_months: int
    term_max_months: int
    annual_rate: Decimal
    verdict: Verdict
    verdict_label: str
    criteria: list[CriterionRead]

    @computed_field  # type: ignore[prop-decorator]
    @property
    def met(self) -> bool:
        """Tell whether the subject meets every criterion of the product."""
        return self.verdict == Verdict.MET


class ProductMatches(BaseModel):
    """The catalogue matched against one subject."""

    code: str
    name: str
    as_of: dt.date
    score_authorised: bool
    products: list[ProductMatch]


class ApplicationIn(BaseModel):
    """A new application for a product."""

    model_config = ConfigDict(extra="forbid")

    code: str = Field(min_length=9, max_length=40, description="申请主体的统一社会信用代码")
    product_id: str = Field(min_length=1, max_length=64)
    amount_yuan: int = Field(gt=0, le=10**11)
    term_months: int = Field(gt=0, le=600)


class DecisionIn(BaseModel):
    """The bank's step on an application."""

    model_config = ConfigDict(extra="forbid")

    action: Action
    reason: str | None = Field(default=None, max_length=300)
    granted_yuan: int | None = Field(default=None, gt=0, le=10**11)


class StepRead(BaseModel):
    """One step of an application."""

    status: Status
    status_label: str
    reason: str | None
    actor: str
    at: dt.datetime


class ApplicationRead(BaseModel):
    """An application with its steps."""

    id: int
    subject_name: str
    product_id: str
    product_name: str
    institution: str
    institution_name: str
    amount_yuan: int
    term_months: int
    status: Status
    status_label: str
    reason: str | None
    granted_yuan: int | None
    submitted_on: dt.date
    steps: list[StepRead]


class StatRow(BaseModel):
    """Applications and loans of one group."""

    key: str
    applications: int
    granted: int
    granted_yuan: int


class FinanceStatistics(BaseModel):
    """Loans by grade, industry and county (credit centre)."""

    total: StatRow
    by_grade: list[StatRow]
    by_industry: list[StatRow]
    by_county: list[StatRow]


class SubsidyIn(BaseModel):
    """A loan to calculate the 贴息 and 信保基金 for."""

    model_config = ConfigDict(extra="forbid")

    amount_yuan: int = Field(gt=0, le=10**11)
    annual_rate: Decimal = Field(gt=0, lt=1, description="贷款年利率（如 0.0435）")
    term_months: int = Field(gt=0, le=600)
    start_on: InputDate
    subject_kind: str = Field(min_length=1, max_length=20)
    model: str | None = Field(default=None, max_length=64, description="等级所依据的评价模型")
    grade: str | None = Field(default=None, max_length=32)


class SubsidyOutcome(BaseModel):
    """One rule's answer."""

    rule_id: str
    rule_name: str
    kind: str
    eligible: bool
    reasons: list[str]
    figures: dict[str, int | str]


class SubsidyResult(BaseModel):
    """Every rule in force on the start date."""

    start_on: dt.date
    outcomes: list[SubsidyOutcome]
