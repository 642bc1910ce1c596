"""The states templates used to compare with literals are decided by the view models (issue 15)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from xinyong.finance.matching import Verdict
from xinyong.finance.schemas import ProductMatch
from xinyong.reports.schemas import ReportEventRead, VerifyResult, VerifyStatus
from xinyong.web.tones import tone

AT = dt.datetime(2026, 10, 31, 8, tzinfo=dt.UTC)


def _verify(status: VerifyStatus) -> VerifyResult:
    return VerifyResult(
        status=status,
        label="x",
        number="TZ-1",
        kind="public",
        kind_label="公共信用信息报告",
        issued_at=AT,
        subject_name="台州市宏达阀门有限公司",
        scope={},
        events=[ReportEventRead(kind="revoked", at=AT), ReportEventRead(kind="corrected", at=AT)],
    )


@pytest.mark.parametrize("status", list(VerifyStatus))
def test_only_a_genuine_report_reads_as_genuine(status: VerifyStatus) -> None:
    result = _verify(status)
    assert result.genuine is (status == VerifyStatus.GENUINE)
    assert result.model_dump()["genuine"] is result.genuine  # the API and the page say the same
    assert [e.label for e in result.events] == ["撤销", "所载信息已更正"]


@pytest.mark.parametrize("verdict", list(Verdict))
def test_a_product_is_met_only_when_every_criterion_is(verdict: Verdict) -> None:
    match = ProductMatch.model_validate(
        {
            "id": "p",
            "institution": "tzbank",
            "institution_name": "台州银行",
            "name": "信易贷",
            "description": "",
            "amount_min_yuan": 1,
            "amount_max_yuan": 2,
            "term_min_months": 1,
            "term_max_months": 12,
            "annual_rate": Decimal("0.04"),
            "verdict": verdict,
            "verdict_label": "x",
            "criteria": [],
        }
    )
    assert match.met is (verdict == Verdict.MET)


def test_tones_colour_states_and_leave_unknown_ones_plain() -> None:
    assert tone("agency", "filed") == "badge-ok"
    assert tone("agency", "cancelled") == "badge-danger"
    assert tone("agency", "suspended") == ""
    assert tone("alert", "待核实") == "badge-danger"  # an alert not yet handled stands out
    assert tone("alert", "误报") == ""
