"""贴息 and 信保基金 arithmetic from the rules in force (pure; amounts in yuan, rounded half up).

贴息 = 本金 × min(贴息百分点, 贷款年利率 × 比例上限) × min(期限, 贴息最长月数) / 12, at most the cap.
担保费 = 本金 × 年担保费率 × 期限 / 12; 基金承担 = 本金 × 代偿比例 (the bank keeps the rest of the risk).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from xinyong.finance.matching import GradeFact, GradeOrder, Verdict, grade_criterion
from xinyong.finance.rules import GuaranteeFund, InterestSubsidy, Subsidies, SubsidyRule

YUAN = Decimal(1)


@dataclass(frozen=True)
class Loan:
    """The loan a calculation is about."""

    amount_yuan: int
    annual_rate: Decimal
    term_months: int
    start_on: dt.date
    subject_kind: str
    grade: GradeFact | None


@dataclass(frozen=True)
class Outcome:
    """One rule's answer: eligible or not with the reasons, and the figures."""

    rule_id: str
    rule_name: str
    kind: str  # interest_subsidy | guarantee_fund
    eligible: bool
    reasons: list[str]
    figures: dict[str, int | str]


def _yuan(value: Decimal) -> int:
    return int(value.quantize(YUAN, rounding=ROUND_HALF_UP))


def _common(rule: SubsidyRule, loan: Loan, at_least: GradeOrder) -> tuple[bool, list[str]]:
    reasons: list[str] = []
    ok = True
    if loan.subject_kind not in rule.subject_kinds:
        ok = False
        reasons.append(f"主体类别须为{'、'.join(rule.subject_kinds)}：本主体为{loan.subject_kind}，不符合")
    if rule.grade is not None:
        c = grade_criterion(rule.grade, loan.grade, at_least)
        ok = ok and c.verdict == Verdict.MET
        reasons.append(c.reason)
    return ok, reasons


def interest(rule: InterestSubsidy, loan: Loan, at_least: GradeOrder) -> Outcome:
    """Return the 贴息 of ``loan`` under ``rule``."""
    ok, reasons = _common(rule, loan, at_least)
    rate = min(rule.rate_points, loan.annual_rate * rule.max_share_of_rate)
    months = min(loan.term_months, rule.max_term_months)
    raw = Decimal(loan.amount_yuan) * rate * months / 12
    capped = min(_yuan(raw), rule.cap_yuan)
    if capped < _yuan(raw):
        reasons.append(f"贴息按上限 {rule.cap_yuan} 元计")
    return Outcome(
        rule.id,
        rule.name,
        "interest_subsidy",
        ok,
        reasons,
        {
            "subsidy_rate": f"{rate:.4%}",
            "subsidised_months": months,
            "subsidy_yuan": capped if ok else 0,
        },
    )


def guarantee(rule: GuaranteeFund, loan: Loan, at_least: GradeOrder) -> Outcome:
    """Return the 信保基金 guarantee of ``loan`` under ``rule``: the fee and the share the fund covers."""
    ok, reasons = _common(rule, loan, at_least)
    if loan.amount_yuan > rule.max_amount_yuan:
        ok = False
        reasons.append(f"担保贷款不超过 {rule.max_amount_yuan} 元：申请 {loan.amount_yuan} 元，不符合")
    fee = Decimal(loan.amount_yuan) * rule.fee_rate * loan.term_months / 12
    covered = Decimal(loan.amount_yuan) * rule.coverage
    return Outcome(
        rule.id,
        rule.name,
        "guarantee_fund",
        ok,
        reasons,
        {
            "fee_rate": f"{rule.fee_rate:.2%}",
            "guarantee_fee_yuan": _yuan(fee) if ok else 0,
            "fund_covers_yuan": _yuan(covered) if ok else 0,
            "bank_keeps_yuan": loan.amount_yuan - _yuan(covered) if ok else loan.amount_yuan,
        },
    )


def calculate(rules: Subsidies, loan: Loan, at_least: GradeOrder) -> list[Outcome]:
    """Return the answer of every 贴息 and 信保基金 rule in force on the loan's start date."""
    out = [interest(r, loan, at_least) for r in rules.interest_subsidies if r.in_force(loan.start_on)]
    out += [guarantee(r, loan, at_least) for r in rules.guarantee_funds if r.in_force(loan.start_on)]
    return out
