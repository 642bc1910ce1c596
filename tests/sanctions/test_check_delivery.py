"""What a check hands out is logged (who received which record), so later changes reach those parties;
the answer carries the grade and the supervision class derived by the supervision rules."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.factories import sanctions as f
from tests.factories.subjects import enterprise
from xinyong.db import utcnow
from xinyong.outbox.models import OutboxMessage, RecordDisclosureLog
from xinyong.repair.effects import RecordChange, record_changed
from xinyong.runtime import Runtime

ON = "2026-11-02"


def auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def _deliveries(session: Session) -> set[tuple[int, str, str, str | None]]:
    rows = session.execute(
        select(
            RecordDisclosureLog.record_id,
            RecordDisclosureLog.recipient,
            RecordDisclosureLog.channel,
            RecordDisclosureLog.ref,
        )
    )
    return {tuple(r) for r in rows}  # type: ignore[misc]


def test_check_logs_delivered_records_and_a_repair_notifies_the_checker(
    client: TestClient, session: Session, runtime: Runtime
) -> None:
    s = enterprise(session, runtime.keys)
    rec = f.listed(session, s)
    clean = enterprise(session, runtime.keys)
    key, dept_id = f.api_key(session)
    session.commit()
    r = client.post(
        "/api/v1/check", json={"code": s.uscc, "scenario": "政府采购", "on": ON}, headers=auth(key)
    )
    assert r.status_code == 200, r.text
    check_id = r.json()["check_id"]
    recipient = f"department:{dept_id}"
    # one row for the record, although two measures cite it
    assert _deliveries(session) == {(rec.id, recipient, "check", check_id)}
    r = client.post(
        "/api/v1/check", json={"code": clean.uscc, "scenario": "政府采购", "on": ON}, headers=auth(key)
    )
    assert r.status_code == 200
    assert len(_deliveries(session)) == 1  # nothing handed out, nothing logged

    queued = record_changed(
        session,
        runtime.policy,
        RecordChange(
            record_id=rec.id,
            record_key=rec.record_key,
            subject_id=s.id,
            kinds=("repaired",),
            effective_on=dt.date(2026, 11, 3),
            source_type="repair",
            source_id=1,
            reason="信用修复",
            actor="test",
        ),
        now=utcnow(),
    )
    assert queued == 1
    (msg,) = session.scalars(select(OutboxMessage)).all()
    assert msg.recipient == recipient
    assert msg.topic == "record.changed"
    assert msg.payload["record_id"] == rec.id


def test_batch_logs_deliveries_set_based_per_subject(
    client: TestClient, session: Session, runtime: Runtime
) -> None:
    hit = [enterprise(session, runtime.keys) for _ in range(3)]
    recs = [f.listed(session, s) for s in hit]
    light = enterprise(session, runtime.keys)
    f.record(session, light, severity="轻微")  # never used, so never handed out
    key, dept_id = f.api_key(session)
    session.commit()
    body = {"subjects": [{"code": s.uscc} for s in [*hit, light]], "scenario": "政府采购", "on": ON}
    r = client.post("/api/v1/check", json=body, headers=auth(key))
    assert r.status_code == 200, r.text
    check_id = r.json()["check_id"]
    assert _deliveries(session) == {(x.id, f"department:{dept_id}", "check", check_id) for x in recs}


def test_answer_carries_grade_and_supervision_class(
    client: TestClient, session: Session, runtime: Runtime
) -> None:
    from xinyong.evaluation.models import EvaluationResult, EvaluationRun

    graded = enterprise(session, runtime.keys)
    ungraded = enterprise(session, runtime.keys)
    poor = enterprise(session, runtime.keys)
    run = EvaluationRun(as_of=dt.date(2026, 10, 31), policy_hash="h", actor="test", status="finished")
    session.add(run)
    session.flush()
    for subject, grade, score in ((graded, "优秀", 950), (poor, "较差", 400)):
        session.add(
            EvaluationResult(
                run_id=run.id,
                subject_id=subject.id,
                model_id="tz-enterprise",
                model_version="1",
                score=score,
                grade=grade,
                points={},
                policy_hash="h",
            )
        )
    key, _ = f.api_key(session)
    session.commit()
    body = {"subjects": [{"code": graded.uscc}, {"code": ungraded.uscc}], "scenario": "行政许可", "on": ON}
    r = client.post("/api/v1/check", json=body, headers=auth(key))
    assert r.status_code == 200, r.text
    first, second = r.json()["results"]
    assert (first["grade"], first["supervision_class"]) == ("优秀", "A")  # policy/supervision/default.yaml
    assert (second["grade"], second["supervision_class"]) == (None, "B")  # the default rule's unrated class
    assert first["rewards"], "an excellent grade earns rewards in 行政许可"
    assert first["grade_model"] == "tz-enterprise"
    assert "台州市企业公共信用评价模型" in first["rewards"][0]["evidence"][0]["label"]
    r = client.post(
        "/api/v1/check", json={"code": graded.uscc, "scenario": "行政许可", "on": ON}, headers=auth(key)
    )
    (single,) = r.json()["results"]
    assert (single["grade"], single["supervision_class"]) == ("优秀", "A")
    # each subject its own grade on the single-subject path (one probe statement), none for the ungraded
    for subject, grade in ((poor, "较差"), (ungraded, None), (graded, "优秀")):
        r = client.post(
            "/api/v1/check", json={"code": subject.uscc, "scenario": "行政许可", "on": ON}, headers=auth(key)
        )
        assert r.json()["results"][0]["grade"] == grade
