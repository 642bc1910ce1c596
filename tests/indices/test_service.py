"""Issue 21 points 1, 4, 6 on a real database: facts from records, stored runs, change, import errors."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.factories import records as record_factory
from tests.factories import subjects as subject_factory
from tests.factories.indices import government
from xinyong.indices import service
from xinyong.indices.models import IndexImport
from xinyong.runtime import Runtime


def test_county_integrity_counts_the_records_behind_each_point(session: Session, runtime: Runtime) -> None:
    policy = runtime.policy
    body = government(session, runtime.keys, "331081")
    dept = subject_factory.department(session, "WL-SCJG")
    penalty = record_factory.record(session, policy, body, dept, decision_on=dt.date(2026, 9, 10))
    record_factory.record(session, policy, body, dept, decision_on=dt.date(2024, 1, 10))  # outside 12 months
    run = service.compute(session, policy, "2026-10", actor="test")
    assert run.indices["gov-integrity-county"] == ["2026-10"]
    assert run.policy_hash == policy.hash
    ranking = service.results(session, policy, "gov-integrity-county", "2026-10", "county")
    assert len(ranking.units) == 9
    assert ranking.run_id == run.run_id
    wenling = next(u for u in ranking.units if u.unit_key == "331081")
    dishonest = next(i for i in wenling.indicators if i.code == "gov_dishonest")
    assert dishonest.value == 1
    assert dishonest.points == 15
    assert dishonest.evidence == [f"record:{penalty.id}"]
    best = ranking.units[0]
    assert wenling.total == best.total - 5
    assert wenling.rank > best.rank


def test_change_from_the_month_before_uses_the_newest_run_of_each(session: Session, runtime: Runtime) -> None:
    policy = runtime.policy
    body = government(session, runtime.keys, "331082")
    dept = subject_factory.department(session, "LH-SCJG")
    service.compute(session, policy, "2026-09", actor="test")
    record_factory.record(session, policy, body, dept, decision_on=dt.date(2026, 10, 5))
    service.compute(session, policy, "2026-10", actor="test")
    ranking = service.results(session, policy, "gov-integrity-county", "2026-10", "county")
    linhai = next(u for u in ranking.units if u.unit_key == "331082")
    assert linhai.change == -5
    assert linhai.rank_change is not None
    assert linhai.rank_change < 0
    history = service.history(session, "gov-integrity-county", "county", "331082")
    assert [h.period for h in history] == ["2026-09", "2026-10"]
    trend = service.trend(session, "gov-integrity-county", "county")
    assert [p for p, _ in trend] == ["2026-09", "2026-10"]
    assert trend[1][1] == round(sum(u.total for u in ranking.units) / 9, 2)


def test_an_import_with_bad_rows_reports_every_error_and_stores_nothing(
    session: Session, runtime: Runtime, tmp_path: Path
) -> None:
    path = tmp_path / "qingqian.csv"
    path.write_text(
        "统计期,单位编码,指标编码,数值\n"
        "2026-10,331081,arrears_cleared,85\n"
        "2026-13,331082,arrears_cleared,90\n"  # bad period
        "2026-10,999999,arrears_cleared,90\n"  # unknown unit
        "2026-10,331083,gov_dishonest,1\n"  # a computed indicator, not an imported one
        "2026-10,331084,arrears_cleared,abc\n"  # unit and value wrong: the first problem is reported
        "2026-10,331022,arrears_cleared,120\n"  # out of range
        "2026-10,331081,arrears_cleared,86\n",  # duplicate of line 2
        encoding="utf-8",
    )
    report = service.import_file(session, runtime.policy, path, "gov-integrity-county", actor="test")
    assert report.stored == 0
    assert report.batch_no is None
    assert report.rows == 7
    assert [e.split("：")[0] for e in report.errors] == [f"第 {n} 行" for n in (3, 4, 5, 6, 7, 8)]
    assert "与第 2 行重复" in report.errors[-1]
    assert session.scalar(select(func.count()).select_from(IndexImport)) == 0


def test_a_good_import_is_scored_with_its_row_as_evidence(
    session: Session, runtime: Runtime, tmp_path: Path
) -> None:
    path = tmp_path / "qingqian.csv"
    path.write_text("统计期,单位编码,指标编码,数值\n2026-10,331081,arrears_cleared,80\n", encoding="utf-8")
    report = service.import_file(session, runtime.policy, path, "gov-integrity-county", actor="test")
    assert report.stored == 1
    assert not report.errors
    service.compute(session, runtime.policy, "2026-10", actor="test")
    ranking = service.results(session, runtime.policy, "gov-integrity-county", "2026-10", "county")
    wenling = next(u for u in ranking.units if u.unit_key == "331081")
    arrears = next(i for i in wenling.indicators if i.code == "arrears_cleared")
    assert arrears.points == 8
    assert arrears.origin == "import"
    assert arrears.evidence == [f"import:{report.batch_no}:2"]
