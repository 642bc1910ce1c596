"""Issue 21 point 2: department performance takes the ingest quality KPIs as they are (not recomputed)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from tests.factories import ingest as fx
from tests.factories.subjects import enterprise, next_uscc
from xinyong.errors import Invalid
from xinyong.indices import providers, service
from xinyong.ingest.service import IngestRequest, ingest_file
from xinyong.runtime import Runtime

RECEIVED = dt.datetime(2026, 10, 20, 2, 0, tzinfo=dt.UTC)
LATER = {"CF_YXQ": "2026-12-31", "CF_GSJZQ": "2027-10-15"}


def _feed(session: Session, runtime: Runtime, tmp_path: Path) -> None:
    fx.sync_departments(session, runtime.policy)
    s = enterprise(session, runtime.keys)
    rows = [
        fx.penalty(s.name, s.uscc or "", "温市监罚〔2026〕1号", CF_JDRQ="2026-10-15", **LATER),
        fx.penalty("乙", s.uscc or "", "温市监罚〔2026〕2号", CF_JDRQ="2026-09-25", **LATER),
        fx.penalty(s.name, s.uscc or "", "温市监罚〔2026〕3号", CF_CFLB="罚金"),
        fx.penalty("乙", "", "温市监罚〔2026〕4号"),
    ]
    bad = next_uscc()
    rows.append(fx.penalty("丙", bad[:-1] + ("1" if bad[-1] != "1" else "2"), "温市监罚〔2026〕5号"))
    request = IngestRequest(
        path=fx.write_csv(tmp_path / "k.csv", rows),
        source_id="xzcf",
        actor="test",
        today=RECEIVED.date(),
        received_at=RECEIVED,
    )
    ingest_file(session, request, policy=runtime.policy, keys=runtime.keys)


def test_department_and_county_performance_from_the_quality_kpis(
    session: Session, runtime: Runtime, tmp_path: Path
) -> None:
    _feed(session, runtime, tmp_path)
    service.compute(session, runtime.policy, "2026-10", actor="test")
    depts = service.results(session, runtime.policy, "dept-performance", "2026-10", "department")
    wl = next(u for u in depts.units if u.unit_key == "WL-SCJG")
    points = {i.code: i.points for i in wl.indicators}
    # the ingest KPIs of this feed: 入库率 0.6, 关联率 2/3, 及时率 0.5, 重错码率 0.4 (tests/ingest)
    assert points == {
        "intake_rate": 12.0,
        "link_rate": 13.33,
        "timely_rate": 10.0,
        "code_error_rate": 6.0,
        "feedback_rate": 15.0,
        "overdue_work": 15.0,
    }
    assert wl.total == 71.33
    assert wl.rank == 1
    silent = next(u for u in depts.units if u.unit_key == "TZ-FGW")
    assert silent.total == 30.0  # 应报未报: the intake indicators earn nothing
    counties = service.results(session, runtime.policy, "dept-performance", "2026-10", "county")
    wenling = next(u for u in counties.units if u.unit_key == "331081")
    assert wenling.total == 71.33
    evidence = next(i for i in wenling.indicators if i.code == "intake_rate").evidence
    assert evidence == ["quality:WL-SCJG:2026-10:5"]
    described = service.describe(session, runtime.policy, evidence)
    assert described[0].text.startswith("温岭市市场监督管理局 2026-10 报送 5 行")


def test_a_fact_no_provider_supplies_is_refused_in_chinese(session: Session, runtime: Runtime) -> None:
    original = providers.provider_for("county")
    assert original is not None
    providers.register("county", lambda s, p, a, b: (original(s, p, a, b)[0], []))
    try:
        with pytest.raises(Invalid, match="没有“县（市、区）”的数据来源"):
            service.compute(session, runtime.policy, "2026-10", actor="test")
    finally:
        providers.register("county", original)
