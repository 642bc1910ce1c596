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
from xinyong.outbox.changes import RecordChange, record_changed
from xinyong.outbox.models import OutboxMessage, RecordDisclosureLog
from xinyong.runtime import Runtime
from xinyong.subjects.models import Subject

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
    expected: list[tuple[Subject, str | None]] = [(poor, "较差"), (ungraded, None), (graded, "优秀")]
    for subject, shown in expected:
        r = client.post(
            "/api/v1/check", json={"code": subject.uscc, "scenario": "行政许可", "on": ON}, headers=auth(key)
        )
        assert r.json()["results"][0]["grade"] == shown


def test_fulfilled_commitment_triggers_no_punishment_in_a_licensing_check(
    client: TestClient, session: Session, runtime: Runtime
) -> None:
    """Regression: an organisation whose only record is a kept 信用承诺 got 列为重点审查对象 / 取消便利化措施."""
    from tests.factories import evaluation as ev_factories
    from tests.factories.subjects import department

    firm = enterprise(session, runtime.keys)
    dept = department(session)
    kept = {"CN_LX": "证明事项告知承诺型", "CN_BM": "331000202601050000001", "CN_LYZT": "全部履行"}
    ev_factories.record(session, firm, dept.id, "xycn", dt.date(2026, 1, 5), severity=None, payload=kept)
    key, _ = f.api_key(session)
    session.commit()
    for scenario in ("行政许可", "日常监管"):
        r = client.post(
            "/api/v1/check",
            json={"code": firm.uscc, "scenario": scenario, "on": ON, "explain": True},
            headers=auth(key),
        )
        assert r.status_code == 200, r.text
        (result,) = r.json()["results"]
        assert result["hits"] == [], scenario
        zj = next(
            e for e in result["explanations"] if e["measure_id"] == "zj.23.1" or e["measure_id"] == "zj.23.3"
        )
        assert "中性信息" in zj["reason"]


def test_a_natural_persons_grade_buys_no_organisation_reward(
    client: TestClient, session: Session, runtime: Runtime
) -> None:
    """Regression: /api/v1/check on a person returned 容缺受理/绿色通道 citing "信用等级：优秀"."""
    from tests.factories.subjects import person
    from xinyong.evaluation.models import EvaluationResult, EvaluationRun
    from xinyong.subjects.service import reveal_id_card

    people = [person(session, runtime.keys) for _ in range(2)]
    run = EvaluationRun(as_of=dt.date(2026, 10, 31), policy_hash="h", actor="test", status="finished")
    session.add(run)
    session.flush()
    # the person scale's own name, and an 优秀 as an older version of the person model named it
    for who, grade in zip(people, ("信用优秀", "优秀"), strict=True):
        session.add(
            EvaluationResult(
                run_id=run.id,
                subject_id=who.id,
                model_id="tz-natural-person",
                model_version="2026.1",
                score=720,
                grade=grade,
                points={},
                policy_hash="h",
            )
        )
    key, _ = f.api_key(session)
    session.commit()
    for who, grade in zip(people, ("信用优秀", "优秀"), strict=True):
        code = reveal_id_card(runtime.keys, who)
        r = client.post(
            "/api/v1/check", json={"code": code, "scenario": "行政许可", "on": ON}, headers=auth(key)
        )
        assert r.status_code == 200, r.text
        (result,) = r.json()["results"]
        assert result["status"] == "found"
        assert (result["grade"], result["grade_model"]) == (grade, "tz-natural-person")
        assert result["rewards"] == []
