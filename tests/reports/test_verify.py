"""Verification: genuine as issued; one byte changed in the PDF or the JSON ⇒ altered (and the
signature check fails); revoked and corrected reports say so; access rules for full and public."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.factories import auth as fa
from tests.factories import records as fr
from tests.factories import subjects as fs
from tests.reports.conftest import TODAY, World
from xinyong.audit.models import AuditEvent
from xinyong.auth import consent
from xinyong.auth.models import QueryLog
from xinyong.auth.principal import Principal, Role
from xinyong.db import utcnow
from xinyong.errors import Forbidden
from xinyong.outbox import changes as effects
from xinyong.outbox.models import OutboxMessage
from xinyong.policy.loader import Policy
from xinyong.records.models import RecordEventKind
from xinyong.reports import service, verification
from xinyong.reports.schemas import ReportKind, ReportRequest
from xinyong.subjects.schemas import SECTIONS
from xinyong.subjects.service import reveal_id_card


def _issue_public(client: TestClient, world: World) -> tuple[str, bytes, bytes]:
    number = client.post("/api/v1/reports", json={"code": world.company.uscc, "kind": "public"}).json()[
        "number"
    ]
    pdf = client.get(f"/api/v1/reports/{number}.pdf").content
    twin = client.get(f"/api/v1/reports/{number}.json").content
    return number, pdf, twin


def _verify(client: TestClient, data: bytes, name: str = "r.pdf") -> dict[str, Any]:
    resp = client.post("/api/v1/reports/verify", files={"file": (name, data)})
    assert resp.status_code == 200, resp.text
    return dict(resp.json())


def _flip(data: bytes, at: int) -> bytes:
    b = bytearray(data)
    b[at] ^= 0x01
    return bytes(b)


def test_genuine_then_one_byte_changed_is_altered(client: TestClient, world: World) -> None:
    number, pdf, twin = _issue_public(client, world)
    ok = _verify(client, pdf)
    assert ok["status"] == "genuine"
    assert ok["number"] == number
    assert ok["signature_valid"] is True
    assert ok["scope"]["kind"] == "public"
    assert ok["issued_at"]
    for at in (len(pdf) // 3, len(pdf) // 2, len(pdf) - 40):
        bad = _verify(client, _flip(pdf, at))
        assert bad["status"] == "altered", at
        assert bad["number"] == number
    assert world.ctx.signer.check_pdf(pdf).valid
    assert not world.ctx.signer.check_pdf(_flip(pdf, len(pdf) // 3)).valid  # PAdES check itself fails
    assert _verify(client, twin, "r.json")["status"] == "genuine"
    text = twin.decode()
    pos = text.index("台州市宏达阀门")
    tampered = (text[:pos] + "台州市宏远阀门" + text[pos + 7 :]).encode()
    assert _verify(client, tampered, "r.json")["status"] == "altered"
    assert _verify(client, twin + b" ", "r.json")["status"] == "altered"  # even a byte outside the content
    body = json.loads(twin)
    assert not world.ctx.signer.check_json({**body["report"], "number": "1"}, body["signature"])
    by_sum = client.post(
        "/api/v1/reports/verify", data={"number": number, "checksum": hashlib.sha256(pdf).hexdigest()}
    )
    assert by_sum.json()["status"] == "genuine"
    wrong = client.post("/api/v1/reports/verify", data={"number": number, "checksum": "0" * 64})
    assert wrong.json()["status"] == "altered"


def test_verify_page_and_revocation(client: TestClient, world: World, session: Session) -> None:
    number, pdf, _ = _issue_public(client, world)
    page = client.get(f"/verify/{number}")
    assert page.status_code == 200
    assert "真实有效" in page.text
    assert world.company.name in page.text
    assert client.post(f"/api/v1/reports/{number}/revoke", json={"reason": "异议查实"}).status_code == 401
    # an officer whose department reported nothing on the subject may not revoke its report
    stranger = fa.api_key(session, Role.OFFICER, department_id=fs.department(session, "TZ-SWJ").id)
    refused = client.post(
        f"/api/v1/reports/{number}/revoke",
        json={"reason": "异议查实"},
        headers={"Authorization": f"Bearer {stranger}"},
    )
    assert refused.status_code == 403
    assert refused.json()["code"] == "report.revoke_forbidden"
    admin = fa.api_key(session, Role.ADMIN)
    resp = client.post(
        f"/api/v1/reports/{number}/revoke",
        json={"reason": "异议查实，报告所载处罚有误"},
        headers={"Authorization": f"Bearer {admin}"},
    )
    assert resp.status_code == 200, resp.text
    assert resp.json()["status"] == "revoked"
    assert _verify(client, pdf)["status"] == "revoked"
    page = client.get(f"/verify/{number}")
    assert "已撤销" in page.text
    assert "异议查实" in page.text
    again = client.post(
        f"/api/v1/reports/{number}/revoke",
        json={"reason": "再次"},
        headers={"Authorization": f"Bearer {admin}"},
    )
    assert again.status_code == 409
    assert session.scalar(select(AuditEvent).where(AuditEvent.action == "report.revoke")) is not None
    assert client.get("/verify/20000101000000000000099").status_code == 404
    # the department that reported the penalty may revoke a report carrying it
    other, _, _ = _issue_public(client, world)
    provider = fa.api_key(session, Role.OFFICER, department_id=world.penalty.department_id)
    done = client.post(
        f"/api/v1/reports/{other}/revoke",
        json={"reason": "处罚决定已撤销"},
        headers={"Authorization": f"Bearer {provider}"},
    )
    assert done.status_code == 200, done.text


def test_full_needs_consent_and_natural_persons_are_never_public(
    session: Session, world: World, runtime: object, policy: Policy
) -> None:
    bank = Principal(
        role=Role.BANK, username="bank1", account_id=9, organisation="台州银行", institution_code="BK-TZYH"
    )
    full = ReportRequest(code=world.company.uscc or "", kind=ReportKind.FULL, purpose="贷款审批")
    now = utcnow()
    with pytest.raises(Forbidden) as refused:
        service.issue(session, world.ctx, bank, full, on=TODAY, now=now)
    assert refused.value.code == "report.consent_required"
    owner = Principal(role=Role.SUBJECT, username="hd", subject_id=world.company.id)
    consent.grant(
        session,
        owner,
        grantee_code="BK-TZYH",
        grantee_name="台州银行",
        sections=list(SECTIONS),
        score=False,
        purpose="贷款审批",
        valid_from=TODAY,
        valid_to=TODAY + dt.timedelta(days=30),
        policy=policy,
    )
    row = service.issue(session, world.ctx, bank, full, on=TODAY, now=now)
    assert row.audience == "authorised_party"
    assert row.recipient == "org:台州银行"
    assert session.scalar(select(QueryLog).where(QueryLog.subject_id == world.company.id)) is not None
    person = fs.person(session, world.ctx.keys, name="李四")
    code = reveal_id_card(world.ctx.keys, person) or ""
    for who in (Principal(role=Role.PUBLIC), bank):
        with pytest.raises(Forbidden) as refused:
            service.issue(
                session, world.ctx, who, ReportRequest(code=code, kind=ReportKind.PUBLIC), on=TODAY, now=now
            )
        assert refused.value.code == "report.person_not_public"


def test_correction_reaches_recipients_and_supersedes(session: Session, world: World, policy: Policy) -> None:
    owner = Principal(role=Role.SUBJECT, username="hd", subject_id=world.company.id)
    consent.grant(
        session,
        owner,
        grantee_code="BK-TZYH",
        grantee_name="台州银行",
        sections=list(SECTIONS),
        score=False,
        purpose="贷款审批",
        valid_from=TODAY,
        valid_to=TODAY + dt.timedelta(days=30),
        policy=policy,
    )
    bank = Principal(
        role=Role.BANK, username="bank1", account_id=9, organisation="台州银行", institution_code="BK-TZYH"
    )
    req = ReportRequest(code=world.company.uscc or "", kind=ReportKind.FULL)
    row = service.issue(session, world.ctx, bank, req, on=TODAY, now=utcnow())
    assert verification.verify_number(session, row.number).status == "genuine"
    p = world.penalty
    change = effects.RecordChange(
        record_id=p.id,
        record_key=p.record_key,
        subject_id=p.subject_id,
        kinds=(RecordEventKind.REPAIRED,),
        effective_on=TODAY,
        source_type="repair",
        source_id=77,
        reason="信用修复完成",
        actor="admin:a",
    )
    effects.record_changed(session, policy, change, now=utcnow())
    effects.record_changed(session, policy, change, now=utcnow())  # idempotent
    notices = session.scalars(select(OutboxMessage).where(OutboxMessage.topic == "report.correction")).all()
    assert [(n.recipient, n.payload["number"]) for n in notices] == [("org:台州银行", row.number)]
    result = verification.verify_number(session, row.number)
    assert result.status == "superseded"
    assert [e.kind for e in result.events] == ["corrected"]


def test_department_correction_supersedes_and_is_notified_once(
    session: Session, world: World, policy: Policy
) -> None:
    owner = Principal(role=Role.SUBJECT, username="hd", subject_id=world.company.id, account_id=5)
    req = ReportRequest(code=world.company.uscc or "", kind=ReportKind.FULL)
    before = service.issue(session, world.ctx, owner, req, on=TODAY, now=utcnow())
    dept = fs.department(session, "TZ-SCJG")
    assert world.penalty.decision_on is not None
    fixed = fr.record(
        session, policy, world.company, dept, decision_on=world.penalty.decision_on, supersedes=world.penalty
    )
    result = verification.verify_number(session, before.number)
    assert result.status == "superseded"  # derived from the record's new version, before any notice
    assert any("更正" in r for r in result.reasons)
    after = service.issue(session, world.ctx, owner, req, on=TODAY, now=utcnow())
    assert verification.verify_number(session, after.number).status == "genuine"
    service.notify_new_versions(session, policy, now=utcnow(), actor="cli:test")
    service.notify_new_versions(session, policy, now=utcnow(), actor="cli:test")
    notices = session.scalars(select(OutboxMessage).where(OutboxMessage.topic == "report.correction")).all()
    assert [(n.recipient, n.payload["number"], n.payload["new_record_id"]) for n in notices] == [
        ("account:5", before.number, fixed.id)
    ]
    assert verification.verify_number(session, after.number).status == "genuine"


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"not a report",
        b"%PDF-1.7\n%%EOF",
        b"{",
        b"[1, 2]",
        b'{"report": [], "signature": 1}',
        b"[" * 100000,
        b'{"a":' * 50000,
    ],
)
def test_junk_uploads_are_refused_not_errors(client: TestClient, data: bytes) -> None:
    resp = client.post("/api/v1/reports/verify", files={"file": ("x", data)})
    assert resp.status_code == 422, resp.text
    assert resp.json()["code"] == "report.number_unknown"
