"""Agreement (issue 14): every consumer states the rule core's window and verdict, on generated facts.

Each consumer is driven through its own path from a stored record row — the portal (``records.service
.facts_of`` + ``decide``), the repair notice (``repair.queries.notice_facts`` + ``notices._compose``, its
text parsed), repair eligibility (``repair.eligibility.assess``), the evaluation's lawful-input filter
(``evaluation.inputs.assess`` on its own record shape) and the check's record filter
(``sanctions.inputs.trigger_fact``) — and compared with ``rules.verdict.judge`` on the same facts.
Facts range over the regimes (2019 rule, Order 58, Order 36, Order 45), severities, subject kinds,
list entries, repairs, suspensions, objections, deletions and the subject's serious-list periods.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from types import SimpleNamespace
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import POLICY_DIR
from xinyong.evaluation import inputs as evaluation_inputs
from xinyong.policy.loader import Policy, load_policy
from xinyong.records import service as records_service
from xinyong.repair.eligibility import assess as eligibility
from xinyong.repair.notices import _compose
from xinyong.repair.queries import notice_facts
from xinyong.rules.disclosure import Audience, decide
from xinyong.rules.facts import Listing, StatusEvent
from xinyong.rules.verdict import judge
from xinyong.sanctions.inputs import trigger_fact

POLICY = load_policy(POLICY_DIR)
D = dt.date
KINDS = ("企业法人", "自然人", "个体工商户")
DOMAINS = ("market_regulation", "environment", "work_safety", "tax")
TYPES = ("罚款", "警告", "通报批评", "没收违法所得", "吊销许可证件", "责令停产停业")
FINES = (None, 0.05, 0.19, 0.2, 0.5, 0.99, 1.0, 5.0, 99.9, 100.0, 250.0)
EVENTS = (
    "repaired",
    "objection_opened",
    "objection_closed",
    "suspended",
    "unsuspended",
    "disclosure_stopped",
    "deleted",
    "list_removed",
)
STATED_END = re.compile(r"最长公示至 (\d{4}-\d{2}-\d{2})")


@st.composite
def cases(draw: st.DrawFn) -> dict[str, Any]:
    item = draw(st.sampled_from(("xzcf", "xzcf", "xzcf", "yzsxmd")))
    decided = draw(st.dates(D(2019, 1, 1), D(2027, 6, 30)))
    payload: dict[str, Any] = {}
    if item == "xzcf":
        payload["CF_CFLB"] = sorted(draw(st.sets(st.sampled_from(TYPES), min_size=1, max_size=3)))
        fine = draw(st.sampled_from(FINES))
        if fine is not None:
            payload["CF_NR_FK"] = fine
        if draw(st.booleans()):
            payload["CF_NR_WFFF"] = draw(st.sampled_from((0.1, 2.0, 120.0)))
        procedure = draw(st.sampled_from((None, "普通程序", "简易程序")))
        if procedure:
            payload["CF_CXFS"] = procedure
        if draw(st.integers(0, 3)) == 0:
            payload["CF_GSJZQ"] = (decided + dt.timedelta(days=draw(st.integers(1, 1500)))).isoformat()
    elif draw(st.booleans()):
        payload["MD_YCRQ"] = (decided + dt.timedelta(days=draw(st.integers(30, 2000)))).isoformat()
    events = tuple(
        sorted(
            (
                StatusEvent(kind, decided + dt.timedelta(days=days))
                for kind, days in draw(
                    st.lists(st.tuples(st.sampled_from(EVENTS), st.integers(0, 2500)), max_size=3)
                )
            ),
            key=lambda e: e.effective_on,
        )
    )
    listings: tuple[Listing, ...] = ()
    if draw(st.integers(0, 3)) == 0:
        start = decided + dt.timedelta(days=draw(st.integers(-400, 2000)))
        end = draw(st.one_of(st.none(), st.integers(1, 2000).map(lambda d: start + dt.timedelta(days=d))))
        listings = (Listing(start, end),)
    row = SimpleNamespace(
        id=1,
        record_key="k1",
        subject_id=1,
        catalog_item=item,
        polarity="negative",
        decision_on=decided,
        severity=draw(st.sampled_from((None, None, "轻微", "一般", "严重"))),
        valid_to=None,
        document_no="台测〔2024〕1号",
        supersedes_id=None,
        code="TZ-TEST",
        payload=payload,
    )
    days = draw(st.lists(st.integers(-30, 2600), min_size=4, max_size=4))
    return {
        "row": row,
        "domain": draw(st.sampled_from(DOMAINS)),
        "events": events,
        "listings": listings,
        "ons": [decided + dt.timedelta(days=d) for d in days],
    }


def notice_of(case: dict[str, Any], policy: Policy) -> dict[str, Any]:
    """Compose the record's repair notice as issued with a new record (no events), its text parsed."""
    row, kind, domain = case["row"], case["kind"], case["domain"]
    new = notice_facts(policy, row, domain, None, kind)
    content, _earliest, notice_end, notice_regime = _compose(row, "某主体", "某部门", new, policy)
    text = "\n".join(content.paragraphs)
    stated = STATED_END.findall(text)
    return {
        "facts": new,
        "notice_end": notice_end,
        "notice_stated": dt.date.fromisoformat(stated[0]) if stated else None,
        "notice_text": text,
        "notice_regime": notice_regime,
    }


def consumers(case: dict[str, Any], policy: Policy, notice: dict[str, Any]) -> dict[str, Any]:
    """Run every other consumer on one case, each through its own path."""
    row, kind, domain, on = case["row"], case["kind"], case["domain"], case["on"]
    events, listings = case["events"], case["listings"]
    portal_facts = records_service.facts_of(
        row, subject_kind=kind, domain=domain, events=events, listings=listings, policy=policy
    )
    portal = decide(portal_facts, Audience.PUBLIC, on, policy)
    repair_facts = dataclasses.replace(notice["facts"], events=events, subject_listings=listings)
    verdict = eligibility(repair_facts, on, policy)
    item = policy.catalog[row.catalog_item]
    evaluated = evaluation_inputs.EvaluatedRecord(
        id=row.id,
        subject_id=row.subject_id,
        catalog_item=row.catalog_item,
        severity=row.severity,
        polarity=row.polarity,
        decision_on=row.decision_on,
        list_end=records_service.as_date(records_service.role_value(item, row.payload, "list_end")),
        events=tuple((e.kind, e.effective_on) for e in events),
    )
    counted = evaluation_inputs.assess(evaluated, on, policy, listings).counted
    check = trigger_fact(row, portal_facts, on, policy)
    return {
        **notice,
        "core": judge(portal_facts, policy, on),
        "portal": portal,
        "eligibility": verdict,
        "evaluation_counted": counted,
        "check": check,
    }


# 200 generated records × 3 subject kinds × 4 dates asked about = 2,400 fact combinations per run
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_every_consumer_states_the_core_window_and_verdict(generated: dict[str, Any]) -> None:
    for kind in KINDS:
        notice = notice_of({**generated, "kind": kind}, POLICY)
        for on in generated["ons"]:
            agree({**generated, "kind": kind, "on": on}, notice)


def agree(case: dict[str, Any], notice: dict[str, Any]) -> None:
    """Assert that every consumer agrees with the core on one case."""
    seen = consumers(case, POLICY, notice)
    core = seen["core"]
    platform = core.windows.get(POLICY.channels.platform)
    person = case["kind"] == "自然人"
    stated_window = platform.end if platform and platform.published and not person else None
    # the window: the notice states this platform's window (none for a person), the same as the core
    assert seen["notice_stated"] == stated_window, seen["notice_text"]
    assert seen["notice_end"] == stated_window
    if stated_window is None:
        assert "最长公示至" not in seen["notice_text"]
    if person:  # no window at all for a person, not even another channel's
        assert "公示至" not in seen["notice_text"]
        assert "公示期内" not in seen["notice_text"]
    # the portal shows a record in its window with exactly that end
    portal = seen["portal"]
    assert portal.shown == core.public
    if portal.reason_code == "in_publication":
        assert portal.public_until == stated_window
        assert stated_window is not None
        assert case["on"] < stated_window
    # eligibility states the core's repair terms (same end, same minimum, same regime as the notice)
    v = seen["eligibility"]
    if v.mode == "penalty_end" and v.regime_id is not None:
        assert v.publication_end == core.repair.publication_end
        assert v.min_period_end == core.repair.min_end
        assert v.regime_id == seen["notice_regime"] == core.repair.regime_id
        if platform is not None and platform.published:
            assert v.publication_end == platform.end
    # verdicts: repaired, deleted, past retention — the same answer everywhere
    if core.disclosures[Audience.CREDIT_CENTRE].reason_code in ("repaired", "deleted", "retention_expired"):
        assert not v.eligible
        assert not core.counted
        assert not core.shared
    assert seen["evaluation_counted"] == core.counted
    assert (seen["check"].excluded is None) == core.shared
    assert seen["check"].severity == core.severity
    if core.list_in_force is not None:  # a list entry: the check applies it exactly while the core says so
        check = seen["check"]
        applied = check.excluded is None and (check.list_end is None or case["on"] < check.list_end)
        assert applied == (core.shared and core.list_in_force)
    if v.eligible:
        assert core.disclosures[Audience.CREDIT_CENTRE].reason_code not in ("repaired", "deleted")


def test_minor_negative_has_one_answer() -> None:
    from xinyong.rules.severity import minor_negative

    assert minor_negative("negative", "轻微")
    assert not minor_negative("negative", "一般")
    assert not minor_negative("positive", "轻微")
    assert not minor_negative("negative", None)
