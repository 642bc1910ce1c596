"""The check over HTTP: single, batch, logging and audit, feedback and the compliance summary."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.factories import sanctions as f
from tests.factories.calendar import with_official_year
from tests.factories.subjects import enterprise, next_ric, person
from xinyong.audit.models import AuditEvent
from xinyong.auth.principal import Role
from xinyong.records.models import RecordEventKind
from xinyong.registers.sync import sync_all
from xinyong.runtime import Runtime
from xinyong.sanctions.models import CheckHit, CheckLog

ON = "2026-11-02"


def auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def test_single_check_answers_hits_with_basis_and_logs(
    client: TestClient, session: Session, runtime: Runtime
) -> None:
    s = enterprise(session, runtime.keys)
    rec = f.listed(session, s)
    key, dept_id = f.api_key(session)
    session.commit()
    r = client.post(
        "/api/v1/check", json={"code": s.uscc, "scenario": "政府采购", "on": ON}, headers=auth(key)
    )
    assert r.status_code == 200, r.text
    body = r.json()
    (res,) = body["results"]
    assert res["status"] == "found"
    assert res["subject"]["name"] == s.name
    hits = {h["measure_id"]: h for h in res["hits"]}
    assert set(hits) == {"nat.1.procurement", "zj.26.1"}
    assert hits["nat.1.procurement"]["mandatory"] is True
    assert any("第二十二条" in b for b in hits["nat.1.procurement"]["basis"])
    assert hits["zj.26.1"]["evidence"][0]["record_id"] == rec.id
    assert res["commitment"] == {"eligible": True, "suspended_until": None}
    assert res["grade"] is None
    log = session.scalar(select(CheckLog).where(CheckLog.check_id == body["check_id"]))
    assert log is not None
    assert (log.scenario, log.subject_count, log.hit_count, log.department_id) == (
        "government_procurement",
        1,
        2,
        dept_id,
    )
    assert log.result_hash == body["result_hash"]
    assert log.subjects == [s.uscc]
    rows = session.scalars(select(CheckHit).where(CheckHit.check_id == log.check_id)).all()
    assert {h.measure_id for h in rows} == set(hits)
    assert all(h.due_on == dt.date(2026, 11, 16) for h in rows)  # 10 working days
    audit = session.scalar(select(AuditEvent).where(AuditEvent.object_id == body["check_id"]))
    assert audit is not None
    assert audit.action == "check.run"


def test_batch_mixes_found_missing_invalid_and_names(
    client: TestClient, session: Session, runtime: Runtime
) -> None:
    a = enterprise(session, runtime.keys, name="台州市甲乙阀门有限公司")
    b = enterprise(session, runtime.keys)
    ric = next_ric()
    person(session, runtime.keys, id_card=ric)
    f.record(session, b, severity="轻微")
    repaired = f.record(session, a, severity="一般")
    f.event(session, repaired, RecordEventKind.REPAIRED, dt.date(2026, 6, 1))
    key, _ = f.api_key(session, Role.SYSTEM)
    session.commit()
    subjects = [
        {"code": a.uscc},
        {"code": b.uscc},
        {"code": "91331081MA00000000"},
        {"code": "123"},
        {"name": "台州市甲乙阀门有限公司（ ）".replace("（ ）", "")},
        {"name": "不存在的公司"},
        {"code": ric},
    ]
    r = client.post(
        "/api/v1/check",
        json={"subjects": subjects, "scenario": "行政许可", "on": ON, "explain": True},
        headers=auth(key),
    )
    assert r.status_code == 200, r.text
    res = r.json()["results"]
    assert [x["status"] for x in res] == [
        "found",
        "found",
        "invalid",
        "invalid",
        "found",
        "not_found",
        "found",
    ]
    assert res[0]["hits"] == []
    assert res[1]["hits"] == []
    why = {e["measure_id"]: e["reason"] for e in res[0]["explanations"]}
    assert "已信用修复" in why["zj.23.1"]
    assert "轻微" in {e["measure_id"]: e["reason"] for e in res[1]["explanations"]}["zj.23.1"]
    assert res[4]["subject"]["name"] == a.name
    assert res[6]["subject"]["kind"] == "自然人"


def test_roles_and_validation(client: TestClient, session: Session, runtime: Runtime) -> None:
    s = enterprise(session, runtime.keys)
    bank, _ = f.api_key(session, Role.BANK, dept=None)
    key, _ = f.api_key(session)
    session.commit()
    body = {"code": s.uscc, "scenario": "行政许可"}
    assert client.post("/api/v1/check", json=body).status_code == 401
    assert client.post("/api/v1/check", json=body, headers=auth("xy_wrong")).status_code == 401
    assert client.post("/api/v1/check", json=body, headers=auth(bank)).status_code == 403
    bad = client.post("/api/v1/check", json={**body, "scenario": "买菜"}, headers=auth(key))
    assert bad.status_code == 422
    assert bad.json()["code"] == "check.bad_scenario"
    both = client.post("/api/v1/check", json={**body, "subjects": [{"code": s.uscc}]}, headers=auth(key))
    assert both.status_code == 422


def test_feedback_and_compliance(client: TestClient, session: Session, runtime: Runtime) -> None:
    s = enterprise(session, runtime.keys)
    f.listed(session, s, "sxbzxr")
    key, _ = f.api_key(session)
    other, _ = f.api_key(session, dept="TZ-SW")
    session.commit()
    body = {"code": s.uscc, "scenario": "招标投标", "on": "2026-01-05"}
    assert (
        client.post("/api/v1/check", json=body, headers=auth(other)).status_code == 200
    )  # hit ids != hit_no
    r = client.post("/api/v1/check", json=body, headers=auth(key))
    check_id = r.json()["check_id"]
    hit_nos = [h["hit_no"] for h in r.json()["results"][0]["hits"]]
    assert len(hit_nos) == 2
    url = f"/api/v1/check/{check_id}/feedback"
    assert (
        client.post(
            url, json={"items": [{"hit_no": hit_nos[0], "executed": True}]}, headers=auth(other)
        ).status_code
        == 403
    )
    no_reason = client.post(
        url, json={"items": [{"hit_no": hit_nos[0], "executed": False}]}, headers=auth(key)
    )
    assert no_reason.status_code == 422
    assert (
        client.post(url, json={"items": [{"hit_no": 999, "executed": True}]}, headers=auth(key)).status_code
        == 422
    )
    ok = client.post(
        url,
        json={"items": [{"hit_no": hit_nos[0], "executed": False, "reason": "已移出名单，经核实"}]},
        headers=auth(key),
    )
    assert ok.status_code == 200, ok.text
    assert ok.json() == {"check_id": check_id, "updated": 1, "pending": 1}
    summary = client.get("/api/v1/check/compliance", headers=auth(key)).json()
    (row,) = summary["departments"]
    assert row["department"] == "TZ-SCJG"
    assert (row["hits"], row["feedback_given"], row["executed"], row["overdue"]) == (2, 1, 0, 1)
    (theirs,) = client.get("/api/v1/check/compliance", headers=auth(other)).json()["departments"]
    assert (theirs["department"], theirs["hits"], theirs["feedback_given"]) == ("TZ-SW", 2, 0)


def test_cli_check_file(tmp_path, session: Session, runtime: Runtime, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from typer.testing import CliRunner

    from xinyong import cli, cli_support

    s = enterprise(session, runtime.keys)
    f.listed(session, s)
    session.commit()
    monkeypatch.setattr(cli_support, "_runtime", lambda: runtime)
    path = tmp_path / "codes.txt"
    path.write_text(f"# 代码\n{s.uscc}\n91331081MA00000000\n", "utf-8")
    result = CliRunner().invoke(cli.app, ["check", str(path), "--scenario", "政府采购"])
    assert result.exit_code == 0, result.output
    assert "依法限制参加政府采购活动（必须）" in result.output
    result = CliRunner().invoke(cli.app, ["check", str(path), "--scenario", "政府采购", "--json"])
    assert result.exit_code == 0, result.output
    import json

    answer = json.loads(result.output)
    assert [x["status"] for x in answer["results"]] == ["found", "invalid"]


def test_batch_limit_and_ambiguous_names(client: TestClient, session: Session, runtime: Runtime) -> None:
    a = enterprise(session, runtime.keys, name="台州市同名机械有限公司", region_code="331081")
    enterprise(session, runtime.keys, name="台州市同名机械有限公司", region_code="331082")
    key, _ = f.api_key(session)
    session.commit()
    h = auth(key)
    too_many = {"subjects": [{"code": "x"}] * 10_001, "scenario": "行政许可"}
    assert client.post("/api/v1/check", json=too_many, headers=h).status_code == 422
    r = client.post(
        "/api/v1/check",
        json={
            "subjects": [
                {"name": "台州市同名机械有限公司"},
                {"name": "台州市同名机械有限公司", "region": "温岭市"},
            ],
            "scenario": "行政许可",
        },
        headers=h,
    )
    first, second = r.json()["results"]
    assert first["status"] == "ambiguous"
    assert len(first["candidates"]) == 2
    assert second["status"] == "found"
    assert second["subject"]["code"] == a.uscc


def test_result_hash_covers_the_returned_results(
    client: TestClient, session: Session, runtime: Runtime
) -> None:
    import hashlib
    import json

    s = enterprise(session, runtime.keys)
    key, _ = f.api_key(session)
    session.commit()
    r = client.post("/api/v1/check", json={"code": s.uscc, "scenario": "日常监管"}, headers=auth(key))
    body = r.json()
    raw = json.dumps(body["results"], ensure_ascii=False, separators=(",", ":"))
    assert hashlib.sha256(raw.encode()).hexdigest() == body["result_hash"]
    assert (
        body["checked_on"]
        == dt.datetime.now(dt.UTC).astimezone(dt.timezone(dt.timedelta(hours=8))).date().isoformat()
    )


def test_feedback_deadline_past_the_year_end_is_provisional_not_null(
    client: TestClient, session: Session, runtime: Runtime
) -> None:
    """A check in late December: its 10-working-day feedback deadline lands in 2027 (no official schedule)."""
    s = enterprise(session, runtime.keys)
    f.listed(session, s)
    key, _ = f.api_key(session)
    session.commit()
    r = client.post(
        "/api/v1/check", json={"code": s.uscc, "scenario": "政府采购", "on": "2026-12-24"}, headers=auth(key)
    )
    assert r.status_code == 200, r.text
    body = r.json()
    # 12-25, 12-28 … 12-31 (5), 01-01 元旦, 01-04 … 01-08 (5)
    assert body["due_on"] == "2027-01-08"
    assert body["due_on_provisional"] is True
    assert "暂定" in body["due_on_note"]
    rows = session.scalars(select(CheckHit).where(CheckHit.check_id == body["check_id"])).all()
    assert rows
    assert all(h.due_on == dt.date(2027, 1, 8) for h in rows)
    clean = enterprise(session, runtime.keys)
    session.commit()
    r = client.post(
        "/api/v1/check",
        json={"code": clean.uscc, "scenario": "政府采购", "on": "2026-12-24"},
        headers=auth(key),
    )
    assert r.json()["due_on"] is None
    assert r.json()["due_on_note"]  # never null without a reason


def test_feedback_deadline_moves_when_the_official_schedule_arrives(
    client: TestClient, session: Session, runtime: Runtime, tmp_path: Path
) -> None:
    s = enterprise(session, runtime.keys)
    f.listed(session, s)
    key, _ = f.api_key(session)
    session.commit()
    body = client.post(
        "/api/v1/check", json={"code": s.uscc, "scenario": "政府采购", "on": "2026-12-24"}, headers=auth(key)
    ).json()
    assert body["due_on"] == "2027-01-08"
    official = with_official_year(tmp_path, 2027, [dt.date(2027, 1, 1), dt.date(2027, 1, 4)])
    sync_all(session, official, actor="test", on=dt.date(2026, 12, 25))
    session.expire_all()
    rows = session.scalars(select(CheckHit).where(CheckHit.check_id == body["check_id"])).all()
    assert rows
    assert {h.due_on for h in rows} == {dt.date(2027, 1, 11)}


def test_check_log_keeps_no_plain_id_number(client: TestClient, session: Session, runtime: Runtime) -> None:
    """Issue 16 finding 6: the log holds the masked number and its blind index, never the number."""
    from xinyong.kit.ids import mask_ric
    from xinyong.subjects import service as subjects_service
    from xinyong.subjects.models import IdentifierScheme

    a = enterprise(session, runtime.keys)
    ric = next_ric()
    person(session, runtime.keys, id_card=ric)
    key, _ = f.api_key(session, Role.SYSTEM)
    session.commit()
    r = client.post(
        "/api/v1/check",
        json={"subjects": [{"code": a.uscc}, {"code": ric}], "scenario": "行政许可", "on": ON},
        headers=auth(key),
    )
    assert r.status_code == 200, r.text
    log = session.scalar(select(CheckLog).where(CheckLog.check_id == r.json()["check_id"]))
    assert log is not None
    index = subjects_service.identifier_lookup(runtime.keys, IdentifierScheme.ID_CARD, ric)
    assert log.subjects == [a.uscc, f"{mask_ric(ric)}#{index}"]
    assert ric not in str(log.subjects)
