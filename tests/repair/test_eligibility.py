"""Pure table tests of repair eligibility against the rules in spec §1 (no database)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest

from xinyong.policy.loader import Policy
from xinyong.records.models import RecordEventKind
from xinyong.repair.eligibility import assess
from xinyong.repair.facts import Declaration
from xinyong.rules.facts import EventKind as EventKinds
from xinyong.rules.facts import ListFact, RecordFacts
from xinyong.rules.facts import StatusEvent as EventFact

D = dt.date


def penalty(
    decided: dt.date,
    domain: str = "environment",
    types: tuple[str, ...] = ("罚款",),
    fine: float | None = 5.0,
    **kw: Any,
) -> RecordFacts:
    return RecordFacts(
        catalog_item="xzcf",
        polarity="negative",
        decision_on=decided,
        domain=domain,
        penalty_types=types,
        fine_wan=fine,
        record_id=1,
        **kw,
    )


# (facts, asked on, eligible, codes, earliest) — spec §1.1–§1.5
CASES = [
    # Order 36 (from 2026-04-01): 一般 min 3 months → eligible from 2026-08-10.
    (penalty(D(2026, 5, 10)), D(2026, 6, 1), False, ["repair.min_period"], D(2026, 8, 10)),
    (penalty(D(2026, 5, 10)), D(2026, 8, 10), True, [], D(2026, 8, 10)),
    # Order 36: 严重 (fine ≥ 100 万元) min 1 year.
    (penalty(D(2026, 5, 10), fine=150), D(2026, 9, 1), False, ["repair.min_period"], D(2027, 5, 10)),
    # Order 36: 轻微 (fine < 0.2 万元) may be repaired as soon as the obligation is fulfilled.
    (penalty(D(2026, 5, 10), fine=0.1), D(2026, 5, 11), True, [], D(2026, 5, 11)),
    # Order 58 (2023-05-01 → 2026-03-31): 3 months, but 1 year in 安全生产 (domain_min_months).
    (penalty(D(2025, 6, 1)), D(2025, 9, 2), True, [], D(2025, 9, 2)),
    (
        penalty(D(2025, 6, 1), domain="work_safety"),
        D(2025, 9, 2),
        False,
        ["repair.min_period"],
        D(2026, 6, 1),
    ),
    # 2019-527: 严重 min 6 months, max 3 years.
    (penalty(D(2021, 1, 15), fine=200), D(2021, 5, 1), False, ["repair.min_period"], D(2021, 7, 15)),
    # Maximum period over: publication ended by itself, nothing to apply for.
    (penalty(D(2025, 1, 10)), D(2028, 1, 11), False, ["repair.period_ended"], None),
    # SAMR Order 45: 吊销许可证件 may never be stopped early.
    (
        penalty(D(2026, 5, 10), domain="market_regulation", types=("吊销许可证件",), fine=None),
        D(2027, 6, 1),
        False,
        ["repair.no_early_stop"],
        None,
    ),
    # SAMR Order 45 Art. 2 keeps a warning alone off the enterprise publicity system only; on this
    # platform (NDRC regime, policy/channels.yaml) it is 轻微 under Order 36: repairable at once.
    # (The old answer, repair.not_published, applied Order 45 to this platform's own publication.)
    (
        penalty(D(2026, 5, 10), domain="market_regulation", types=("警告",), fine=None),
        D(2026, 9, 1),
        True,
        [],
        D(2026, 9, 1),
    ),
    # SAMR Order 45 Art. 14: a repeat penalty for the same violation bars the early stop.
    (
        penalty(D(2025, 5, 10), domain="market_regulation", repeat_violation_on=D(2025, 9, 1)),
        D(2025, 10, 1),
        False,
        ["repair.repeat_violation"],
        None,
    ),
    # Zhejiang: a subject on the serious list is not repaired before it leaves the list.
    (
        penalty(D(2026, 4, 10), other_lists=(ListFact(9, "yzsxmd", D(2026, 1, 5), list_end=D(2027, 1, 5)),)),
        D(2026, 8, 1),
        False,
        ["repair.on_serious_list"],
        D(2027, 1, 5),
    ),
    (
        penalty(D(2026, 4, 10), other_lists=(ListFact(9, "yzsxmd", D(2026, 1, 5)),)),
        D(2026, 8, 1),
        False,
        ["repair.on_serious_list"],
        None,
    ),
    # …but once removed, the penalty may be repaired.
    (
        penalty(
            D(2026, 4, 10), other_lists=(ListFact(9, "yzsxmd", D(2026, 1, 5), removed_on=D(2026, 7, 1)),)
        ),
        D(2026, 8, 1),
        True,
        [],
        D(2026, 8, 1),
    ),
    # Already repaired / deleted.
    (
        penalty(D(2026, 4, 10), events=(EventFact(RecordEventKind.REPAIRED, D(2026, 7, 20)),)),
        D(2026, 8, 1),
        False,
        ["repair.already_repaired"],
        None,
    ),
    (
        penalty(D(2026, 4, 10), events=(EventFact(RecordEventKind.DELETED, D(2026, 7, 20)),)),
        D(2026, 8, 1),
        False,
        ["repair.deleted"],
        None,
    ),
    # Zhejiang retention: 5 years after the finding the record goes by itself (自然修复).
    (
        RecordFacts(catalog_item="jyycml", polarity="negative", decision_on=D(2020, 1, 1)),
        D(2025, 1, 2),
        False,
        ["repair.retention_expired"],
        None,
    ),
    # Other negative information: may apply at once after correcting.
    (
        RecordFacts(catalog_item="jyycml", polarity="negative", decision_on=D(2026, 6, 1)),
        D(2026, 6, 2),
        True,
        [],
        D(2026, 6, 2),
    ),
    # List removal: 12 months on the list first (policy default), and the list-entry's own end.
    (
        RecordFacts(catalog_item="yzsxmd", polarity="negative", decision_on=D(2026, 1, 5)),
        D(2026, 8, 1),
        False,
        ["repair.min_period"],
        D(2027, 1, 5),
    ),
    (
        RecordFacts(catalog_item="yzsxmd", polarity="negative", decision_on=D(2025, 1, 5)),
        D(2026, 8, 1),
        True,
        [],
        D(2026, 8, 1),
    ),
    (
        RecordFacts(
            catalog_item="yzsxmd", polarity="negative", decision_on=D(2025, 1, 5), list_end=D(2026, 1, 5)
        ),
        D(2026, 8, 1),
        False,
        ["repair.list_ended"],
        None,
    ),
    # Positive information is never "repaired".
    (
        RecordFacts(catalog_item="sxjl", polarity="positive", decision_on=D(2026, 1, 5)),
        D(2026, 8, 1),
        False,
        ["repair.not_negative"],
        None,
    ),
]


@pytest.mark.parametrize(("facts", "on", "eligible", "codes", "earliest"), CASES)
def test_eligibility_table(
    policy: Policy,
    facts: RecordFacts,
    on: dt.date,
    eligible: bool,
    codes: list[str],
    earliest: dt.date | None,
) -> None:
    verdict = assess(facts, on, policy)
    assert verdict.eligible is eligible, verdict.reasons
    assert sorted(verdict.codes) == sorted(codes)
    assert verdict.earliest_on == earliest
    for reason in verdict.reasons:
        assert reason.message
        assert any("\u4e00" <= ch <= "\u9fff" for ch in reason.message)


def test_explains_the_regime_and_periods(policy: Policy) -> None:
    verdict = assess(penalty(D(2026, 5, 10), domain="market_regulation"), D(2026, 6, 1), policy)
    # this platform publishes under the NDRC regime (Order 36: 一般, at most 12 months); SAMR Order 45
    # governs the enterprise publicity system only (the old answer took Order 45 as primary here)
    assert verdict.regime_id == "ndrc-order-36"
    assert verdict.mode == "penalty_end"
    assert verdict.mode_label == "终止公示行政处罚信息"
    assert verdict.publication_end == D(2027, 5, 10)
    assert {m.code for m in verdict.materials if m.required} == {"commitment", "performance_proof"}


def test_strictest_minimum_of_all_applicable_regimes(policy: Policy) -> None:
    # 严重 under SAMR Order 45 (min 3 months) and Order 36 (min 1 year) — both must have run.
    verdict = assess(penalty(D(2026, 5, 10), domain="market_regulation", fine=150), D(2026, 9, 1), policy)
    assert verdict.earliest_on == D(2027, 5, 10)
    assert "第36号" in verdict.reasons[0].message


def test_declaration_is_checked(policy: Policy) -> None:
    facts = penalty(D(2026, 5, 10))
    verdict = assess(
        facts, D(2026, 9, 1), policy, Declaration(obligations_fulfilled=False, commitment_signed=False)
    )
    assert sorted(verdict.codes) == ["repair.commitment_missing", "repair.obligations_unfulfilled"]
    assert verdict.earliest_on == D(2026, 9, 1)  # the applicant can act today
    ok = assess(facts, D(2026, 9, 1), policy, Declaration(obligations_fulfilled=True, commitment_signed=True))
    assert ok.eligible


def test_events_in_the_future_do_not_count(policy: Policy) -> None:
    facts = dataclasses.replace(penalty(D(2026, 4, 10)), events=(EventFact("repaired", D(2026, 12, 1)),))
    assert assess(facts, D(2026, 8, 1), policy).eligible


def test_pure_event_kinds_match_the_table() -> None:
    for name in (
        "OBJECTION_OPENED",
        "OBJECTION_CLOSED",
        "REPAIRED",
        "DISCLOSURE_STOPPED",
        "LIST_REMOVED",
        "DELETED",
        "SUSPENDED",
        "UNSUSPENDED",
    ):
        assert getattr(EventKinds, name) == getattr(RecordEventKind, name)
