"""Disclosure table tests, one per rule of the spec (§1, §2.1, §4, §11.3), and properties."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xinyong.kit.dates import add_months
from xinyong.policy.loader import Policy
from xinyong.rules.disclosure import Audience, decide, retention_end
from xinyong.rules.facts import Listing, RecordFacts, StatusEvent
from xinyong.rules.windows import windows

D = dt.date
ORG = "企业法人"
PERSON = "自然人"


def penalty(**kw: object) -> RecordFacts:
    base: dict[str, object] = {
        "catalog_item": "xzcf",
        "subject_kind": ORG,
        "polarity": "negative",
        "decision_on": D(2024, 1, 10),
        "severity": "一般",
        "penalty_types": ("罚款",),
        "fine_wan": 5.0,
        "domain": "tax",
    }
    base.update(kw)
    return RecordFacts(**base)  # type: ignore[arg-type]


def public(facts: RecordFacts, on: dt.date, policy: Policy) -> bool:
    return decide(facts, Audience.PUBLIC, on, policy).shown


# --- §1.2 Order 58 (2023-05-01 → 2026-03-31): max 3 years -------------------------------------------


def test_order58_penalty_public_within_max_period(policy: Policy) -> None:
    d = decide(penalty(), Audience.PUBLIC, D(2024, 6, 1), policy)
    assert d.shown
    assert d.shared
    assert d.counted
    assert d.regime_id == "ndrc-order-58"
    assert d.public_until == D(2027, 1, 10)
    assert d.reason_code == "in_publication"


def test_order58_after_max_period_not_public_but_shared(policy: Policy) -> None:
    on = D(2027, 2, 1)
    d = decide(penalty(), Audience.PUBLIC, on, policy)
    assert not d.shown
    assert d.reason_code == "publication_ended"
    dept = decide(penalty(), Audience.DEPARTMENT, on, policy)
    assert dept.shown
    assert dept.shared
    assert dept.counted


def test_department_publication_end_shortens_period(policy: Policy) -> None:
    facts = penalty(publication_end=D(2024, 4, 10))
    assert public(facts, D(2024, 4, 9), policy)
    assert not public(facts, D(2024, 4, 10), policy)


# --- §1.4 SAMR Order 45 -----------------------------------------------------------------------------


# SAMR Order 45 governs the 国家企业信用信息公示系统 channel only; this platform's portal publishes a
# market regulator's penalty under the NDRC regime (policy/channels.yaml). The old expectations here had
# the portal apply Order 45 (the wrong answer this file used to assert).


def test_samr_warning_only_not_published_on_gsxt(policy: Policy) -> None:
    facts = penalty(domain="market_regulation", penalty_types=("警告",), severity="轻微")
    gsxt = windows(facts, policy)["gsxt"]
    assert not gsxt.published
    assert gsxt.code == "warning_not_published"
    assert gsxt.regime_id == "samr-order-45"
    d = decide(facts, Audience.PUBLIC, D(2024, 2, 1), policy, channels=True)
    assert d.regime_id == "ndrc-order-58"  # the platform's own regime on the decision date
    assert d.shown
    assert any("国家企业信用信息公示系统" in note for note in d.other_channels)


def test_samr_simple_procedure_not_published_on_gsxt(policy: Policy) -> None:
    facts = penalty(domain="market_regulation", procedure="简易程序")
    assert windows(facts, policy)["gsxt"].code == "procedure_not_published"
    assert decide(facts, Audience.PUBLIC, D(2024, 2, 1), policy).regime_id == "ndrc-order-58"


def test_samr_warning_plus_fine_is_published(policy: Policy) -> None:
    facts = penalty(domain="market_regulation", penalty_types=("警告", "罚款"), fine_wan=5.0)
    assert public(facts, D(2024, 2, 1), policy)
    assert windows(facts, policy)["gsxt"].published


@pytest.mark.parametrize(
    ("types", "fine", "until"),
    [
        (("通报批评",), None, D(2024, 4, 10)),
        (("罚款",), 0.5, D(2024, 4, 10)),
        (("罚款", "警告"), 0.5, D(2024, 4, 10)),
        (("罚款",), 5.0, D(2027, 1, 10)),
        (("罚款", "没收违法所得"), 0.5, D(2027, 1, 10)),
    ],
)
def test_samr_short_period_for_light_penalties_on_gsxt(
    policy: Policy, types: tuple[str, ...], fine: float | None, until: dt.date
) -> None:
    facts = penalty(domain="market_regulation", penalty_types=types, fine_wan=fine)
    assert windows(facts, policy)["gsxt"].end == until
    d = decide(facts, Audience.PUBLIC, D(2024, 2, 1), policy)
    assert d.shown
    assert d.public_until == D(2027, 1, 10)  # Order 58 on this platform: at most 36 months
    assert public(facts, D(2027, 1, 9), policy)
    assert not public(facts, D(2027, 1, 10), policy)


def test_other_domains_have_no_gsxt_window(policy: Policy) -> None:
    assert list(windows(penalty(domain="tax"), policy)) == ["xytz"]
    person = penalty(domain="market_regulation", subject_kind=PERSON)
    assert list(windows(person, policy)) == ["xytz"]


# --- §1.1 Order 36 (from 2026-04-01) ----------------------------------------------------------------


def test_order36_minor_unpublished_unless_department_asks(policy: Policy) -> None:
    facts = penalty(decision_on=D(2026, 5, 1), severity="轻微", penalty_types=("警告",))
    d = decide(facts, Audience.PUBLIC, D(2026, 5, 2), policy)
    assert not d.shown
    assert d.reason_code == "minor_not_published"
    assert d.regime_id == "ndrc-order-36"
    asked = replace(facts, publication_end=D(2026, 7, 1))
    assert decide(asked, Audience.PUBLIC, D(2026, 5, 2), policy).public_until == D(2026, 7, 1)
    capped = replace(facts, publication_end=D(2026, 12, 1))
    assert decide(capped, Audience.PUBLIC, D(2026, 5, 2), policy).public_until == D(2026, 8, 1)


@pytest.mark.parametrize(("severity", "until"), [("一般", D(2027, 5, 1)), ("严重", D(2029, 5, 1))])
def test_order36_periods_by_severity(policy: Policy, severity: str, until: dt.date) -> None:
    facts = penalty(decision_on=D(2026, 5, 1), severity=severity)
    assert decide(facts, Audience.PUBLIC, D(2026, 6, 1), policy).public_until == until


# --- §1.3 2019 rule ---------------------------------------------------------------------------------


def test_2019_rule_serious_three_years(policy: Policy) -> None:
    facts = penalty(decision_on=D(2020, 3, 1), severity="严重")
    d = decide(facts, Audience.PUBLIC, D(2020, 4, 1), policy)
    assert d.regime_id == "ndrc-2019-527"
    assert d.public_until == D(2023, 3, 1)


# --- §11.3 natural persons, catalog disclosure levels ----------------------------------------------


def test_natural_person_never_public(policy: Policy) -> None:
    facts = penalty(subject_kind=PERSON)
    d = decide(facts, Audience.PUBLIC, D(2024, 2, 1), policy)
    assert not d.shown
    assert d.reason_code == "natural_person_not_public"
    assert decide(facts, Audience.DEPARTMENT, D(2024, 2, 1), policy).shown
    assert decide(facts, Audience.SUBJECT_SELF, D(2024, 2, 1), policy).shown


def test_shared_catalog_item_not_public(policy: Policy) -> None:
    facts = penalty(catalog_item="qs", penalty_types=(), severity=None)
    assert decide(facts, Audience.PUBLIC, D(2024, 2, 1), policy).reason_code == "catalog_shared"
    assert decide(facts, Audience.DEPARTMENT, D(2024, 2, 1), policy).shown
    assert decide(facts, Audience.AUTHORISED_PARTY, D(2024, 2, 1), policy).shown


def test_licence_is_public_and_not_retention_limited(policy: Policy) -> None:
    facts = RecordFacts(
        "xzxk", "neutral", subject_kind=ORG, decision_on=D(2010, 1, 1), valid_to=D(2099, 12, 31)
    )
    assert public(facts, D(2026, 1, 1), policy)


# --- §1.5 Zhejiang retention ------------------------------------------------------------------------


def test_negative_information_gone_after_five_years(policy: Policy) -> None:
    facts = penalty(decision_on=D(2020, 1, 1), severity="严重")
    assert retention_end(facts, policy) == D(2025, 1, 1)
    assert decide(facts, Audience.DEPARTMENT, D(2024, 12, 31), policy).shown
    for audience in (Audience.PUBLIC, Audience.DEPARTMENT, Audience.SUBJECT_SELF, Audience.CREDIT_CENTRE):
        d = decide(facts, audience, D(2025, 1, 1), policy)
        assert not d.shown
        assert d.reason_code == "retention_expired"
        assert not d.shared
        assert not d.counted
    assert decide(facts, Audience.AUDITOR, D(2025, 1, 1), policy).shown


def test_criminal_retention_counts_from_sentence_end(policy: Policy) -> None:
    facts = RecordFacts(
        "sfpj", "negative", subject_kind=PERSON, decision_on=D(2018, 1, 1), sentence_end=D(2022, 6, 30)
    )
    assert retention_end(facts, policy) == D(2027, 6, 30)
    assert decide(facts, Audience.DEPARTMENT, D(2026, 1, 1), policy).shown


def test_retention_extended_while_listed(policy: Policy) -> None:
    still = penalty(decision_on=D(2019, 1, 1), subject_listings=(Listing(D(2020, 1, 1)),))
    assert retention_end(still, policy) is None
    assert decide(still, Audience.DEPARTMENT, D(2025, 3, 1), policy).shown
    left = replace(still, subject_listings=(Listing(D(2020, 1, 1), D(2025, 6, 1)),))
    assert retention_end(left, policy) == D(2025, 6, 1)
    assert not decide(left, Audience.DEPARTMENT, D(2025, 7, 1), policy).shown


def test_listing_that_ended_before_retention_does_not_extend(policy: Policy) -> None:
    facts = penalty(decision_on=D(2019, 1, 1), subject_listings=(Listing(D(2020, 1, 1), D(2021, 1, 1)),))
    assert retention_end(facts, policy) == D(2024, 1, 1)


# --- §1.1 repair, §2.1 objection, deletion, suspension ----------------------------------------------


def test_repaired_not_public_not_shared_not_counted(policy: Policy) -> None:
    facts = penalty(events=(StatusEvent("repaired", D(2024, 5, 1)),))
    assert public(facts, D(2024, 4, 30), policy)
    on = D(2024, 5, 1)
    for audience in (Audience.PUBLIC, Audience.DEPARTMENT, Audience.AUTHORISED_PARTY):
        d = decide(facts, audience, on, policy)
        assert not d.shown
        assert not d.shared
        assert not d.counted
        assert d.repaired
    own = decide(facts, Audience.SUBJECT_SELF, on, policy)
    assert own.shown
    assert own.repaired
    assert "已修复" in own.marks
    assert not own.counted


def test_objection_is_marked_and_still_shown(policy: Policy) -> None:
    opened = penalty(events=(StatusEvent("objection_opened", D(2024, 3, 1)),))
    d = decide(opened, Audience.PUBLIC, D(2024, 3, 2), policy)
    assert d.shown
    assert d.under_objection
    assert "异议中" in d.marks
    assert "异议" in d.reason
    closed = replace(opened, events=(*opened.events, StatusEvent("objection_closed", D(2024, 3, 5))))
    assert not decide(closed, Audience.PUBLIC, D(2024, 3, 6), policy).under_objection


def test_deleted_only_in_audit_archive(policy: Policy) -> None:
    facts = penalty(events=(StatusEvent("deleted", D(2024, 3, 1)),))
    assert not decide(facts, Audience.CREDIT_CENTRE, D(2024, 3, 1), policy).shown
    assert decide(facts, Audience.AUDITOR, D(2024, 3, 1), policy).shown


def test_disclosure_stopped(policy: Policy) -> None:
    facts = penalty(events=(StatusEvent("disclosure_stopped", D(2024, 3, 1)),))
    d = decide(facts, Audience.DEPARTMENT, D(2024, 3, 2), policy)
    assert not d.shown
    assert d.reason_code == "disclosure_stopped"
    assert not d.counted


def test_suspension_and_its_end(policy: Policy) -> None:
    facts = penalty(
        events=(StatusEvent("suspended", D(2024, 3, 1)), StatusEvent("unsuspended", D(2024, 4, 1)))
    )
    assert not public(facts, D(2024, 3, 15), policy)
    assert not decide(facts, Audience.DEPARTMENT, D(2024, 3, 15), policy).counted
    assert public(facts, D(2024, 4, 1), policy)


# --- §1.6 lists -------------------------------------------------------------------------------------


def test_serious_list_public_while_listed(policy: Policy) -> None:
    listed = RecordFacts("yzsxmd", "negative", subject_kind=ORG, decision_on=D(2023, 1, 1))
    assert public(listed, D(2029, 1, 1), policy)  # still listed: retention extended, still public
    ended = replace(listed, list_end=D(2024, 1, 1))
    d = decide(ended, Audience.PUBLIC, D(2024, 6, 1), policy)
    assert not d.shown
    assert d.reason_code == "list_ended"
    assert decide(ended, Audience.DEPARTMENT, D(2024, 6, 1), policy).shown
    removed = replace(listed, events=(StatusEvent("list_removed", D(2023, 6, 1)),))
    assert not public(removed, D(2023, 6, 1), policy)
    assert public(removed, D(2023, 5, 31), policy)


def test_future_record_not_yet_effective(policy: Policy) -> None:
    d = decide(penalty(decision_on=D(2026, 1, 1)), Audience.PUBLIC, D(2025, 1, 1), policy)
    assert not d.shown
    assert not d.counted
    assert d.reason_code == "not_yet_effective"


def test_add_months_clamps() -> None:
    assert add_months(D(2024, 1, 31), 1) == D(2024, 2, 29)
    assert add_months(D(2024, 11, 30), 3) == D(2025, 2, 28)


# --- properties -------------------------------------------------------------------------------------

dates = st.dates(min_value=D(2017, 1, 1), max_value=D(2032, 12, 31))
event_kinds = st.sampled_from(
    [
        "objection_opened",
        "objection_closed",
        "repaired",
        "disclosure_stopped",
        "list_removed",
        "deleted",
        "suspended",
        "unsuspended",
    ]
)
facts_strategy = st.builds(
    RecordFacts,
    catalog_item=st.sampled_from(["xzcf", "xzxk", "yzsxmd", "jyycml", "qs", "sfpj", "sxjl", "xypj"]),
    subject_kind=st.sampled_from([ORG, PERSON, "个体工商户"]),
    polarity=st.sampled_from(["negative", "positive", "neutral"]),
    decision_on=dates,
    severity=st.sampled_from([None, "轻微", "一般", "严重"]),
    publication_end=st.none() | dates,
    list_end=st.none() | dates,
    penalty_types=st.lists(st.sampled_from(["警告", "通报批评", "罚款", "吊销许可证件"]), max_size=3).map(
        tuple
    ),
    procedure=st.sampled_from([None, "普通程序", "简易程序"]),
    fine_wan=st.none() | st.floats(min_value=0, max_value=500),
    domain=st.sampled_from([None, "market_regulation", "tax", "fire"]),
    sentence_end=st.none() | dates,
    events=st.lists(st.builds(StatusEvent, event_kinds, dates), max_size=4).map(tuple),
    subject_listings=st.lists(st.builds(Listing, dates, st.none() | dates), max_size=2).map(tuple),
)


@settings(max_examples=400, deadline=None)
@given(facts=facts_strategy, on=dates)
def test_properties(policy: Policy, facts: RecordFacts, on: dt.date) -> None:
    by = {a: decide(facts, a, on, policy) for a in Audience}
    assert by[Audience.AUDITOR].shown  # the audit archive keeps everything
    if by[Audience.PUBLIC].shown:  # what the public sees, everyone with more rights sees
        assert by[Audience.SUBJECT_SELF].shown
        assert by[Audience.CREDIT_CENTRE].shown
        assert by[Audience.DEPARTMENT].shown
    if facts.subject_kind == PERSON:
        assert not by[Audience.PUBLIC].shown
    for d in by.values():
        assert d.shared == d.counted  # one rule for sharing and use
        assert d.reason
    past = [e for e in facts.events if e.effective_on <= on]
    if any(e.kind in ("repaired", "deleted", "disclosure_stopped", "suspended") for e in past) and not any(
        e.kind == "unsuspended" for e in past
    ):
        assert not by[Audience.PUBLIC].shown
        assert not by[Audience.DEPARTMENT].counted
    if facts.polarity == "negative" and facts.decision_on is not None:
        end = retention_end(facts, policy)
        if end is not None and on >= end:
            assert [a for a, d in by.items() if d.shown] == [Audience.AUDITOR]


@settings(max_examples=200, deadline=None)
@given(facts=facts_strategy, d1=dates, d2=dates)
def test_publication_window_is_an_interval(
    policy: Policy, facts: RecordFacts, d1: dt.date, d2: dt.date
) -> None:
    facts = replace(facts, events=(), subject_listings=())
    early, late = sorted((d1, d2))
    if facts.decision_on is not None and early >= facts.decision_on and public(facts, late, policy):
        assert public(facts, early, policy)
