"""HTTP: department systems post batches with their API key; officers review the 未关联 queue."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.factories import ingest as fx
from tests.factories.subjects import enterprise
from xinyong.auth import service as auth_service
from xinyong.auth.principal import Role
from xinyong.departments.models import Department
from xinyong.ingest.models import MatchDecision
from xinyong.records.models import CreditRecord
from xinyong.runtime import Runtime


def _key(session: Session, code: str, role: Role = Role.SYSTEM) -> dict[str, str]:
    dept = session.scalar(select(Department).where(Department.code == code))
    assert dept is not None
    _, key = auth_service.create_api_key(
        session, actor="test", name=f"{code} 系统", role=role, department_id=dept.id
    )
    session.flush()
    return {"Authorization": f"Bearer {key}"}


def test_post_batch_with_department_key(
    client: TestClient, runtime: Runtime, session: Session, tmp_path: Path
) -> None:
    fx.sync_departments(session, runtime.policy)
    s = enterprise(session, runtime.keys)
    headers = _key(session, "WL-SCJG")
    rows = [
        fx.penalty("甲", s.uscc or "", "温市监罚〔2026〕1号"),
        fx.penalty("甲", s.uscc or "", "临市监罚〔2026〕1号", dept_uscc=fx.LH_SCJG_USCC),
    ]
    path = fx.write_csv(tmp_path / "api.csv", rows)
    with path.open("rb") as fh:
        resp = client.post(
            "/api/v1/sources/xzcf/batches", files={"file": ("api.csv", fh, "text/csv")}, headers=headers
        )
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert (body["rows"], body["accepted"], body["rejected"]) == (2, 1, 1)
    got = client.get(f"/api/v1/batches/{body['batch_id']}", headers=headers)
    assert got.status_code == 200
    assert got.json()["rows"] == 2
    assert client.post("/api/v1/sources/xzcf/batches", files={"file": ("a.csv", b"x")}).status_code == 401
    officer = _key(session, "LH-SCJG", Role.OFFICER)
    assert (
        client.post(
            "/api/v1/sources/xzcf/batches", files={"file": ("a.csv", b"x")}, headers=officer
        ).status_code
        == 403
    )


def test_key_of_another_department_may_not_feed_a_fixed_source(
    client: TestClient, runtime: Runtime, session: Session
) -> None:
    fx.sync_departments(session, runtime.policy)
    headers = _key(session, "WL-SCJG")
    resp = client.post(
        "/api/v1/sources/qs/batches", files={"file": ("qs.csv", b"ZTMC\n\xe7\x94\xb2\n")}, headers=headers
    )
    assert resp.status_code == 403
    assert resp.json()["code"] == "ingest.department_forbidden"


def test_queue_decisions_link_and_are_reused(
    client: TestClient, runtime: Runtime, session: Session, tmp_path: Path
) -> None:
    fx.sync_departments(session, runtime.policy)
    s = enterprise(session, runtime.keys, "温岭市弘达阀门有限公司", region_code="331081")
    other = enterprise(session, runtime.keys, "温岭市宏达电器有限公司", region_code="331081")
    system = _key(session, "WL-SCJG")
    officer = _key(session, "WL-SCJG", Role.OFFICER)
    path = fx.write_csv(tmp_path / "q.csv", [fx.penalty("温岭市宏达阀门有限公司", "", "温市监罚〔2026〕5号")])
    with path.open("rb") as fh:
        body = client.post(
            "/api/v1/sources/xzcf/batches", files={"file": ("q.csv", fh)}, headers=system
        ).json()
    assert body["unresolved"] == 1
    queue = client.get("/api/v1/unresolved", headers=officer).json()
    assert len(queue) == 1
    assert queue[0]["candidates"][0]["subject_id"] == s.id
    row_id = queue[0]["id"]
    assert client.get("/api/v1/unresolved", headers=system).status_code == 403
    assert client.get(f"/api/v1/unresolved/{row_id}", headers=officer).status_code == 200
    from xinyong.audit.models import AuditEvent

    reads = session.scalars(
        select(AuditEvent.detail).where(AuditEvent.action == "ingest.unresolved_read")
    ).all()
    assert [r["rows"] for r in reads] == [
        [row_id],
        [row_id],
    ]  # issue 16 finding 5: the rows' reads are audited
    no = client.post(
        f"/api/v1/unresolved/{row_id}/decisions",
        json={"subject_id": other.id, "same": False},
        headers=officer,
    )
    assert no.status_code == 200
    assert no.json()["status"] == "pending"
    yes = client.post(
        f"/api/v1/unresolved/{row_id}/decisions", json={"subject_id": s.id, "same": True}, headers=officer
    )
    assert yes.status_code == 200, yes.text
    assert yes.json()["status"] == "linked"
    linked = session.scalar(select(CreditRecord).where(CreditRecord.document_no == "温市监罚〔2026〕5号"))
    assert linked is not None
    assert linked.subject_id == s.id
    assert len(session.scalars(select(MatchDecision)).all()) == 2
    # A later row with the same name resolves through the stored decision.
    path2 = fx.write_csv(
        tmp_path / "q2.csv", [fx.penalty("温岭市宏达阀门有限公司", "", "温市监罚〔2026〕6号")]
    )
    with path2.open("rb") as fh:
        again = client.post(
            "/api/v1/sources/xzcf/batches", files={"file": ("q2.csv", fh)}, headers=system
        ).json()
    assert (again["accepted"], again["unresolved"]) == (1, 0)
    quality = client.get("/api/v1/quality", headers=officer)
    assert quality.status_code == 200
    assert all(r["department_code"] == "WL-SCJG" for r in quality.json()["departments"])
