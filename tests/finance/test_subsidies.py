"""贴息 and 信保基金: worked examples from policy/finance/subsidies.yaml (term, rate, cap, eligibility, dates)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.factories import auth as fa
from xinyong.auth.principal import Role
from xinyong.finance import subsidy
from xinyong.finance.matching import GradeFact
from xinyong.finance.products import grade_order
from xinyong.finance.rules import subsidies_of
from xinyong.policy.loader import Policy


def _loan(
    amount: int, rate: str, months: int, start: dt.date, grade: str | None = "良好", kind: str = "企业法人"
) -> subsidy.Loan:
    fact = GradeFact("tz-enterprise", grade) if grade else None
    return subsidy.Loan(amount, Decimal(rate), months, start, kind, fact)


def _by_id(policy: Policy, loan: subsidy.Loan) -> dict[str, subsidy.Outcome]:
    return {o.rule_id: o for o in subsidy.calculate(subsidies_of(policy), loan, grade_order(policy))}


def test_interest_subsidy_worked_examples(policy: Policy) -> None:
    start = dt.date(2026, 3, 1)
    # 100 万元、年利率 4.35%、12 个月：贴 1.5 个百分点（低于利率的一半 2.175%）→ 100 万 × 1.5% = 15 000 元
    plain = _by_id(policy, _loan(1_000_000, "0.0435", 12, start))["txd-2026"]
    assert plain.eligible
    assert plain.figures["subsidy_yuan"] == 15_000
    assert plain.figures["subsidised_months"] == 12
    # 500 万元、24 个月：只贴 12 个月，75 000 元超过每笔上限 → 50 000 元
    capped = _by_id(policy, _loan(5_000_000, "0.0435", 24, start))["txd-2026"]
    assert capped.figures["subsidy_yuan"] == 50_000
    assert any("上限" in r for r in capped.reasons)
    # 年利率 2.4%：贴息不超过利率的一半 1.2%；6 个月 → 100 万 × 1.2% × 6/12 = 6 000 元
    low_rate = _by_id(policy, _loan(1_000_000, "0.024", 6, start))["txd-2026"]
    assert low_rate.figures["subsidy_rate"] == "1.2000%"
    assert low_rate.figures["subsidy_yuan"] == 6_000
    # 333 333 元 × 1.5% × 7/12 = 2 916.66… → 四舍五入 2 917 元
    odd = _by_id(policy, _loan(333_333, "0.05", 7, start))["txd-2026"]
    assert odd.figures["subsidy_yuan"] == 2_917


def test_rules_by_effective_date_and_eligibility(policy: Policy) -> None:
    # a loan starting in 2025 falls under the 2025 rule (1 个百分点) and before the guarantee fund existed
    old = _by_id(policy, _loan(1_000_000, "0.0435", 12, dt.date(2025, 6, 1)))
    assert set(old) == {"txd-2025"}
    assert old["txd-2025"].figures["subsidy_yuan"] == 10_000
    # 中等: no 贴息 (须良好), but the guarantee fund (须中等) takes it: fee 0.75 %/年, covers 80 %
    middling = _by_id(policy, _loan(1_000_000, "0.0435", 12, dt.date(2026, 3, 1), grade="中等"))
    assert not middling["txd-2026"].eligible
    assert middling["txd-2026"].figures["subsidy_yuan"] == 0
    fund = middling["xbjj-2026"]
    assert fund.eligible
    assert fund.figures["guarantee_fee_yuan"] == 7_500
    assert fund.figures["fund_covers_yuan"] == 800_000
    assert fund.figures["bank_keeps_yuan"] == 200_000
    # over the fund's ceiling, or a kind the rules do not cover, or no grade at all: not eligible, with reasons
    big = _by_id(policy, _loan(6_000_000, "0.0435", 12, dt.date(2026, 3, 1)))["xbjj-2026"]
    assert not big.eligible
    assert any("5000000" in r for r in big.reasons)
    person = _by_id(policy, _loan(100_000, "0.0435", 12, dt.date(2026, 3, 1), kind="自然人"))["txd-2026"]
    assert not person.eligible
    ungraded = _by_id(policy, _loan(100_000, "0.0435", 12, dt.date(2026, 3, 1), grade=None))["txd-2026"]
    assert not ungraded.eligible
    assert any("尚无该模型的评价结果" in r for r in ungraded.reasons)


def test_calculate_endpoint(client: TestClient, session: Session) -> None:
    body = {
        "amount_yuan": 1_000_000,
        "annual_rate": "0.0435",
        "term_months": 12,
        "start_on": "2026-03-01",
        "subject_kind": "企业法人",
        "model": "tz-enterprise",
        "grade": "良好",
    }
    assert client.post("/api/v1/finance/subsidies/calculate", json=body).status_code == 401
    key = fa.api_key(session, Role.BANK, organisation="台州银行", institution_code="BK-TZYH")
    resp = client.post(
        "/api/v1/finance/subsidies/calculate", json=body, headers={"Authorization": f"Bearer {key}"}
    )
    assert resp.status_code == 200, resp.text
    outcomes = {o["rule_id"]: o for o in resp.json()["outcomes"]}
    assert outcomes["txd-2026"]["figures"]["subsidy_yuan"] == 15_000
    assert outcomes["xbjj-2026"]["figures"]["guarantee_fee_yuan"] == 7_500
    bad = client.post(
        "/api/v1/finance/subsidies/calculate",
        json={**body, "annual_rate": "7"},
        headers={"Authorization": f"Bearer {key}"},
    )
    assert bad.status_code == 422
