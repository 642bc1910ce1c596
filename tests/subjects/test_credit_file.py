"""The credit file over HTTP, as each kind of caller may see it; non-public reads are logged."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.factories import auth as fa
from tests.factories import records as fr
from tests.factories import subjects as fs
from xinyong.audit import service as audit
from xinyong.audit.models import AuditEvent
from xinyong.auth.models import QueryLog
from xinyong.auth.principal import Role
from xinyong.outbox import changes as effects
from xinyong.outbox.models import OutboxMessage, RecordDisclosureLog
from xinyong.policy.loader import Policy
from xinyong.runtime import Runtime

TODAY = dt.datetime.now(ZoneInfo("Asia/Shanghai")).date()
RECENT = TODAY - dt.timedelta(days=30)


def _items(body: dict[str, Any], section: str) -> list[dict[str, Any]]:
    for s in body["sections"]:  # type: ignore[attr-defined]
        if s["name"] == section:
            return list(s["items"])
    raise AssertionError(section)


def _setup(session: Session, runtime: Runtime, policy: Policy) -> dict[str, Any]:
    company = fs.enterprise(session, runtime.keys, name="台州市宏达阀门有限公司", uscc=fs.next_uscc("331081"))
    dept = fs.department(session, "TZ-SW")
    dept.domain = "tax"
    penalty = fr.record(session, policy, company, dept, decision_on=RECENT)
    tax = fr.record(
        session,
        policy,
        company,
        dept,
        item="qs",
        decision_on=RECENT,
        severity=None,
        payload={"QS_SZ": "增值税", "QS_JE": 3.2, "QS_ZGJG": "国家税务总局台州市税务局"},
    )
    return {"company": company, "dept": dept, "penalty": penalty, "tax": tax}


def test_public_sees_only_public_items(
    client: TestClient, session: Session, runtime: Runtime, policy: Policy
) -> None:
    data = _setup(session, runtime, policy)
    company = data["company"]
    resp = client.get(f"/api/v1/subjects/{company.uscc}")  # type: ignore[attr-defined]
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["viewer"]["audience"] == "public"
    assert body["basics"]["name"] == "台州市宏达阀门有限公司"
    assert [s["name"] for s in body["sections"]] == [
        "基础信息",
        "行政管理",
        "诚实守信",
        "严重失信",
        "经营异常",
        "信用承诺",
        "信用评价",
        "司法判决",
        "其他",
    ]
    penalties = _items(body, "行政管理")
    assert len(penalties) == 1
    assert penalties[0]["provenance"]["document_no"] == data["penalty"].document_no  # type: ignore[attr-defined]
    assert penalties[0]["provenance"]["department_code"] == "TZ-SW"
    assert penalties[0]["versions"] is None
    assert _items(body, "其他") == []  # 欠税 is shared, not public
    assert session.scalar(select(QueryLog.id).where(QueryLog.subject_id == company.id)) is None  # type: ignore[attr-defined]


def test_officer_reads_for_a_duty_and_is_logged(
    client: TestClient, session: Session, runtime: Runtime, policy: Policy
) -> None:
    data = _setup(session, runtime, policy)
    company = data["company"]
    officer = fa.account(session, Role.OFFICER, department_id=data["dept"].id, region_code="331081")  # type: ignore[attr-defined]
    fa.login(client, officer)
    plain = client.get(f"/api/v1/subjects/{company.uscc}").json()  # type: ignore[attr-defined]
    assert plain["viewer"]["audience"] == "public"
    resp = client.get(f"/api/v1/subjects/{company.uscc}", params={"purpose": "licensing"})  # type: ignore[attr-defined]
    body = resp.json()
    assert body["viewer"]["audience"] == "department"
    assert body["viewer"]["purpose"] == "行政许可"
    assert len(_items(body, "其他")) == 1
    assert _items(body, "行政管理")[0]["versions"][0]["version"] == 1
    log = session.scalars(select(QueryLog).where(QueryLog.subject_id == company.id)).all()  # type: ignore[attr-defined]
    assert len(log) == 1
    assert log[0].basis == "duty"
    assert log[0].basis_ref == "licensing"
    assert log[0].keep_until.year == TODAY.year + 10
    reads = session.scalars(select(AuditEvent).where(AuditEvent.action == "file.read")).all()
    assert reads[-1].detail["query_log_id"] == log[0].id
    assert audit.verify(session).ok


def test_bad_purpose_and_out_of_scope(
    client: TestClient, session: Session, runtime: Runtime, policy: Policy
) -> None:
    data = _setup(session, runtime, policy)
    company = data["company"]
    officer = fa.account(session, Role.OFFICER, department_id=data["dept"].id, region_code="331002")  # type: ignore[attr-defined]
    fa.login(client, officer)
    resp = client.get(f"/api/v1/subjects/{company.uscc}", params={"purpose": "curiosity"})  # type: ignore[attr-defined]
    assert resp.status_code == 422
    assert resp.json()["code"] == "access.bad_purpose"
    resp = client.get(f"/api/v1/subjects/{company.uscc}", params={"purpose": "licensing"})  # type: ignore[attr-defined]
    assert resp.status_code == 403
    assert resp.json()["code"] == "access.out_of_scope"


def test_natural_person_file_not_public(
    client: TestClient, session: Session, runtime: Runtime, policy: Policy
) -> None:
    ric = fs.next_ric()
    person = fs.person(session, runtime.keys, name="李四", id_card=ric)
    fr.record(
        session, policy, person, fs.department(session), decision_on=RECENT, payload={"CF_XDR_LB": "自然人"}
    )
    assert client.get(f"/api/v1/subjects/{ric}").status_code == 404
    key = fa.api_key(session, Role.SYSTEM, region_code="331000")
    resp = client.get(
        f"/api/v1/subjects/{ric}",
        params={"purpose": "daily_supervision"},
        headers={"Authorization": f"Bearer {key}"},
    )
    body = resp.json()
    assert resp.status_code == 200, body
    assert body["basics"]["id_masked"] == ric[:6] + "********" + ric[-4:]
    assert ric not in resp.text
    assert len(_items(body, "行政管理")) == 1


def test_bank_needs_authorisation_and_subject_sees_who_looked(
    client: TestClient, session: Session, runtime: Runtime, policy: Policy
) -> None:
    data = _setup(session, runtime, policy)
    company = data["company"]
    bank_key = fa.api_key(session, Role.BANK, organisation="台州银行", institution_code="BK-TZYH")
    bank = {"Authorization": f"Bearer {bank_key}"}
    url = f"/api/v1/subjects/{company.uscc}"  # type: ignore[attr-defined]
    assert client.get(url, headers=bank).json()["viewer"]["audience"] == "public"

    owner = fa.account(session, Role.SUBJECT, subject_id=company.id)  # type: ignore[attr-defined]
    csrf = fa.login(client, owner)
    grant = {
        "institution_code": "BK-TZYH",
        "sections": ["行政管理", "其他"],
        "purpose": "流动资金贷款审批",
        "valid_from": str(TODAY),
        "valid_to": str(TODAY + dt.timedelta(days=90)),
    }
    assert client.post("/api/v1/me/authorisations", json=grant).status_code == 403  # no CSRF token
    resp = client.post("/api/v1/me/authorisations", json=grant, headers={"X-CSRF-Token": csrf})
    assert resp.status_code == 201, resp.text
    auth_id = resp.json()["id"]
    too_long = {**grant, "valid_to": str(TODAY + dt.timedelta(days=800))}
    assert (
        client.post("/api/v1/me/authorisations", json=too_long, headers={"X-CSRF-Token": csrf}).status_code
        == 422
    )

    body = client.get(url, headers=bank).json()
    assert body["viewer"]["audience"] == "authorised_party"
    assert body["viewer"]["purpose"] == "流动资金贷款审批"
    assert len(_items(body, "其他")) == 1

    who = client.get("/api/v1/me/queries").json()
    assert who["total"] == 1
    assert who["items"][0]["organisation"] == "台州银行"
    assert who["items"][0]["basis"] == "authorisation"

    resp = client.post(f"/api/v1/me/authorisations/{auth_id}/revoke", headers={"X-CSRF-Token": csrf})
    assert resp.json()["status"] == "已撤销"
    assert client.get(url, headers=bank).json()["viewer"]["audience"] == "public"


def test_repaired_record_hidden_from_departments_marked_for_subject(
    client: TestClient, session: Session, runtime: Runtime, policy: Policy
) -> None:
    data = _setup(session, runtime, policy)
    company = data["company"]
    fr.event(session, data["penalty"], "repaired", TODAY - dt.timedelta(days=1))  # type: ignore[arg-type]
    fr.event(session, data["tax"], "objection_opened", TODAY - dt.timedelta(days=1))  # type: ignore[arg-type]
    key = fa.api_key(session, Role.SYSTEM, region_code="331000")
    url = f"/api/v1/subjects/{company.uscc}"  # type: ignore[attr-defined]
    body = client.get(
        url, params={"purpose": "daily_supervision"}, headers={"Authorization": f"Bearer {key}"}
    ).json()
    assert _items(body, "行政管理") == []
    assert _items(body, "其他")[0]["disclosure"]["marks"] == ["异议中"]
    owner = fa.account(session, Role.SUBJECT, subject_id=company.id)  # type: ignore[attr-defined]
    fa.login(client, owner)
    own = client.get(url).json()
    assert own["viewer"]["audience"] == "subject_self"
    assert _items(own, "行政管理")[0]["disclosure"]["marks"] == ["已修复"]


def test_superseded_version_hidden_history_shown(
    client: TestClient, session: Session, runtime: Runtime, policy: Policy
) -> None:
    data = _setup(session, runtime, policy)
    old = data["penalty"]
    fr.record(
        session,
        policy,
        data["company"],
        data["dept"],
        decision_on=RECENT,
        supersedes=old,
        payload={"CF_NR": "罚款四万元"},  # type: ignore[arg-type]
    )
    url = f"/api/v1/subjects/{data['company'].uscc}"  # type: ignore[attr-defined]
    public = _items(client.get(url).json(), "行政管理")
    assert len(public) == 1
    assert public[0]["version"] == 2
    admin = fa.account(session, Role.ADMIN)
    fa.login(client, admin)
    item = _items(client.get(url).json(), "行政管理")[0]
    assert [v["version"] for v in item["versions"]] == [1, 2]
    assert item["versions"][1]["changed_fields"] == ["CF_NR"]


def test_as_of_only_for_centre_and_audit(
    client: TestClient, session: Session, runtime: Runtime, policy: Policy
) -> None:
    data = _setup(session, runtime, policy)
    url = f"/api/v1/subjects/{data['company'].uscc}"  # type: ignore[attr-defined]
    assert client.get(url, params={"on": "2020-01-01"}).status_code == 403
    assert client.get("/api/v1/subjects/91331081MA0000000X").status_code == 404


def test_a_duty_read_makes_the_department_a_recipient_of_later_changes(
    client: TestClient, session: Session, runtime: Runtime, policy: Policy
) -> None:
    """Records handed to a department over the API are logged, so a repair later reaches it (issue 7.4)."""
    data = _setup(session, runtime, policy)
    company, penalty = data["company"], data["penalty"]
    officer = fa.account(session, Role.OFFICER, department_id=data["dept"].id, region_code="331081")  # type: ignore[attr-defined]
    fa.login(client, officer)
    client.get(f"/api/v1/subjects/{company.uscc}")  # type: ignore[attr-defined]  # public read: no delivery
    assert session.scalars(select(RecordDisclosureLog)).all() == []
    client.get(f"/api/v1/subjects/{company.uscc}", params={"purpose": "licensing"})  # type: ignore[attr-defined]
    logged = session.scalars(select(RecordDisclosureLog)).all()
    recipient = f"department:{data['dept'].id}"  # type: ignore[attr-defined]
    assert {row.record_id for row in logged} == {penalty.id, data["tax"].id}  # type: ignore[attr-defined]
    assert {(row.recipient, row.channel) for row in logged} == {(recipient, "api")}
    queued = effects.record_changed(
        session,
        policy,
        effects.RecordChange(
            record_id=penalty.id,  # type: ignore[attr-defined]
            record_key=penalty.record_key,  # type: ignore[attr-defined]
            subject_id=company.id,  # type: ignore[attr-defined]
            kinds=("repaired",),
            effective_on=TODAY,
            source_type="repair",
            source_id=1,
            reason="准予修复",
            actor="test",
        ),
        now=dt.datetime.now(dt.UTC),
    )
    assert queued == 1
    msg = session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == recipient)).one()
    assert msg.payload["changes"] == ["repaired"]


def _statements(session: Session, runtime: Runtime, policy: Policy, code: str) -> int:
    """Return how many SELECTs building the credit file as the credit centre runs."""
    from sqlalchemy import event

    from xinyong.auth.principal import Principal
    from xinyong.creditfile.service import build_credit_file

    seen: list[str] = []

    def count(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append(statement)

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", count)
    try:
        admin = Principal(role=Role.ADMIN, username="admin")
        found = build_credit_file(session, runtime.keys, policy, admin, code, purpose="信用评价", on=TODAY)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert sum(s.count for s in found.sections) > 0
    return len(seen)


def test_the_file_reads_in_batches_not_once_per_record(
    session: Session, runtime: Runtime, policy: Policy
) -> None:
    data = _setup(session, runtime, policy)
    code = data["company"].uscc  # type: ignore[attr-defined]
    few = _statements(session, runtime, policy, code)
    for _ in range(6):
        rec = fr.record(session, policy, data["company"], data["dept"], decision_on=RECENT)  # type: ignore[arg-type]
        fr.event(session, rec, "objection_opened", RECENT)
    assert _statements(session, runtime, policy, code) == few
