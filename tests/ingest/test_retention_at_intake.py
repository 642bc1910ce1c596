"""A record already past Zhejiang's retention period when received: audit archive only, warning code,
never a credit record (so never on files, in evaluation or in checks)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.factories import ingest as fx
from tests.factories import sanctions as sf
from tests.factories.subjects import enterprise
from xinyong.ingest.models import ArchivedRow, IngestBatch
from xinyong.ingest.service import BUCKETS, IngestRequest, ingest_file
from xinyong.records.models import CreditRecord
from xinyong.records.service import subject_records
from xinyong.runtime import Runtime

TODAY = dt.date(2026, 10, 31)


def test_expired_rows_go_to_the_archive_only(
    runtime: Runtime, session: Session, tmp_path: Path, client: TestClient
) -> None:
    old = enterprise(session, runtime.keys, "台州市保存期测试甲有限公司")
    listed = enterprise(session, runtime.keys, "台州市保存期测试乙有限公司")
    sf.listed(session, listed, decided=dt.date(2020, 3, 1))  # still on the serious-dishonesty list
    session.commit()
    rows = [
        # decided 2021-10-30: retention (60 months) ended with 2026-10-29 → archive only
        fx.penalty(
            old.name, old.uscc or "", "温市监罚〔2021〕7号", CF_JDRQ="2021-10-30", CF_YXQ="2021-11-30"
        ),
        # decided 2021-11-01: still within retention on 2026-10-31 → a credit record
        fx.penalty(
            old.name, old.uscc or "", "温市监罚〔2021〕8号", CF_JDRQ="2021-11-01", CF_YXQ="2021-12-01"
        ),
        # as old, but the subject is still listed: retention runs on while listed (条例第十六条)
        fx.penalty(
            listed.name, listed.uscc or "", "温市监罚〔2020〕9号", CF_JDRQ="2020-05-06", CF_YXQ="2020-06-06"
        ),
    ]
    path = fx.write_csv(tmp_path / "old.csv", rows)
    result = ingest_file(
        session,
        IngestRequest(path=path, source_id="xzcf", actor="test", today=TODAY),
        policy=runtime.policy,
        keys=runtime.keys,
    )
    assert result.rows == sum(getattr(result, b) for b in BUCKETS)
    assert (result.rows, result.accepted, result.archived, result.rejected) == (3, 2, 1, 0)
    assert any("record.retention_expired" in w for w in result.warnings)
    assert "仅存档 1" in result.summary_zh()

    (archived,) = session.scalars(select(ArchivedRow).where(ArchivedRow.batch_id == result.batch_id)).all()
    assert archived.code == "record.retention_expired"
    assert archived.line_no == 2
    assert archived.document_no == "温市监罚〔2021〕7号"
    assert archived.retention_end == dt.date(2026, 10, 30)
    assert "2026-10-29" in archived.message
    assert json.loads(runtime.keys.decrypt(archived.payload_enc))["CF_WSH"] == "温市监罚〔2021〕7号"
    batch = session.get(IngestBatch, result.batch_id)
    assert batch is not None
    assert batch.archived == 1

    docs = {
        r.document_no
        for r in session.scalars(select(CreditRecord).where(CreditRecord.batch_id == result.batch_id))
    }
    assert docs == {"温市监罚〔2021〕8号", "温市监罚〔2020〕9号"}
    assert [r.document_no for r in subject_records(session, old.id)] == ["温市监罚〔2021〕8号"]

    # Sent again: still archived (not counted as a duplicate of something in the credit file).
    again = ingest_file(
        session,
        IngestRequest(
            path=fx.write_csv(tmp_path / "again.csv", rows[:1]), source_id="xzcf", actor="test", today=TODAY
        ),
        policy=runtime.policy,
        keys=runtime.keys,
    )
    assert (again.rows, again.archived, again.accepted) == (1, 1, 0)


def test_an_unresolved_row_past_retention_is_archived_when_linked(
    runtime: Runtime, session: Session, tmp_path: Path
) -> None:
    from xinyong.ingest import queue
    from xinyong.ingest.models import UnresolvedRow

    target = enterprise(session, runtime.keys, "台州市保存期测试丙有限公司")
    row = fx.penalty("台州市保存期测试丙有限公司（曾用名）", "", "温市监罚〔2020〕11号", CF_JDRQ="2020-05-06")
    result = ingest_file(
        session,
        IngestRequest(
            path=fx.write_csv(tmp_path / "unresolved.csv", [row]), source_id="xzcf", actor="test", today=TODAY
        ),
        policy=runtime.policy,
        keys=runtime.keys,
    )
    assert result.unresolved == 1
    pending = session.scalars(select(UnresolvedRow).where(UnresolvedRow.batch_id == result.batch_id)).one()
    out = queue.decide(
        session, runtime.policy, pending.id, subject_id=target.id, same=True, actor="test", department_id=None
    )
    assert out["status"] == "archived"
    assert pending.record_id is None
    assert subject_records(session, target.id) == []
