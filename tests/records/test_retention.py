"""``xinyong retention purge``: negative records past the Zhejiang retention go (every version, every
dependent row), query logs past their retention go, the deletion is audited with tombstones, and a
second run deletes nothing (issue 16, finding 11)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.factories import ingest as fx
from tests.factories import records as fr
from tests.factories import subjects as fs
from xinyong.audit import service as audit
from xinyong.audit.cli import record_problems
from xinyong.auth.models import QueryLog
from xinyong.db import utcnow
from xinyong.ingest.service import IngestRequest, ingest_file
from xinyong.records.models import CreditRecord, RecordEvent
from xinyong.records.retention import ACTION, purge
from xinyong.runtime import Runtime

ON = dt.date(2026, 12, 1)


def _sessions(session: Session):  # type: ignore[no-untyped-def]
    @contextmanager
    def scope() -> Iterator[Session]:
        yield session
        session.flush()

    return scope


def _log(session: Session, subject_id: int, keep_until: dt.date) -> QueryLog:
    row = QueryLog(
        occurred_at=utcnow(), actor="officer:x", role="officer", subject_id=subject_id, what="信用档案",
        purpose="测试", basis="duty", keep_until=keep_until, items=1,
    )  # fmt: skip
    session.add(row)
    session.flush()
    return row


def test_purge_deletes_what_is_past_retention_and_only_that(session: Session, runtime: Runtime) -> None:
    policy = runtime.policy
    company = fs.enterprise(session, runtime.keys)
    dept = fs.department(session)
    old = fr.record(session, policy, company, dept, decision_on=dt.date(2019, 5, 6))
    old_v2 = fr.record(session, policy, company, dept, decision_on=dt.date(2019, 5, 6), supersedes=old)
    fr.event(session, old_v2, "repaired", dt.date(2020, 1, 1))
    recent = fr.record(session, policy, company, dept, decision_on=dt.date(2024, 1, 1))
    gone_log = _log(session, company.id, dt.date(2025, 1, 1))
    kept_log = _log(session, company.id, dt.date(2030, 1, 1))

    dry = purge(_sessions(session), policy, on=ON, dry_run=True)
    assert (dry.records, dry.record_versions, dry.query_logs) == (1, 2, 1)
    assert session.get(CreditRecord, old.id) is not None

    report = purge(_sessions(session), policy, on=ON)
    assert (report.records, report.record_versions, report.query_logs) == (1, 2, 1)
    assert report.dependents["record_event"] == 1
    session.expire_all()
    assert session.get(CreditRecord, old.id) is None
    assert session.get(CreditRecord, old_v2.id) is None
    assert session.get(CreditRecord, recent.id) is not None
    assert (
        session.scalar(
            select(func.count()).select_from(RecordEvent).where(RecordEvent.record_id == old_v2.id)
        )
        == 0
    )
    assert session.get(QueryLog, gone_log.id) is None
    assert session.get(QueryLog, kept_log.id) is not None
    entries = audit.entries_of(session, ACTION)
    assert [e.object_type for e in entries] == ["credit_record", "query_log"]
    assert entries[0].detail["record_versions"] == 2
    assert "浙江" in entries[0].detail["basis"]
    assert audit.verify(session).ok

    again = purge(_sessions(session), policy, on=ON)
    assert (again.records, again.record_versions, again.query_logs) == (0, 0, 0)
    assert len(audit.entries_of(session, ACTION)) == 2


def test_purged_batch_rows_stay_accounted_for_by_their_tombstones(
    session: Session, runtime: Runtime, tmp_path: Path
) -> None:
    fx.sync_departments(session, runtime.policy)
    a, b = fs.enterprise(session, runtime.keys), fs.enterprise(session, runtime.keys)
    rows = [
        fx.penalty("甲", a.uscc or "", "温市监罚〔2019〕1号", CF_JDRQ="2019-05-06", CF_YXQ="2019-06-06", CF_GSJZQ="2020-05-06"),
        fx.penalty("乙", b.uscc or "", "温市监罚〔2023〕2号", CF_JDRQ="2023-05-06", CF_YXQ="2023-06-06", CF_GSJZQ="2024-05-06"),
    ]  # fmt: skip
    path = fx.write_csv(tmp_path / "old.csv", rows)
    # received while both were within retention (a row already past it at receipt is archived, never a record)
    request = IngestRequest(
        path=path, source_id="xzcf", actor="t", issue_notices=False, today=dt.date(2023, 6, 1)
    )
    result = ingest_file(session, request, policy=runtime.policy, keys=runtime.keys)
    assert result.accepted == 2
    report = purge(_sessions(session), runtime.policy, on=ON)
    assert report.records == 1
    assert record_problems(session) == (1, [])  # the tombstone accounts for the lawful deletion
    # an unlawful deletion of the other row of the batch is still found
    survivor = session.scalar(select(CreditRecord).where(CreditRecord.batch_id == result.batch_id))
    assert survivor is not None
    session.delete(survivor)
    session.flush()
    checked, problems = record_problems(session)
    assert checked == 1
    assert len(problems) == 1
