"""Report pages: 下载公共信用报告 on the portal, 我的信用 → 信用报告, a bank's console entry (consent
needed for a full report), and the verify page reached from the report's QR code."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.web.conftest import HTML, form_token, sign_in
from tests.web.seed import PASSWORD, Seeded
from xinyong.auth import consent
from xinyong.auth import service as auth_service
from xinyong.auth.principal import Principal, Role
from xinyong.policy.loader import Policy
from xinyong.reports.signing import MARKER
from xinyong.subjects.schemas import SECTIONS

TODAY = dt.datetime.now(ZoneInfo("Asia/Shanghai")).date()


def _number(pdf: bytes) -> str:
    at = pdf.index(MARKER.encode()) + len(MARKER)
    return pdf[at : at + 22].decode()


def test_portal_downloads_a_public_report_and_the_qr_page_says_genuine(
    client: TestClient, seeded: Seeded
) -> None:
    page = client.get(f"/subjects/{seeded.firm.uscc}", headers=HTML)
    assert "下载公共信用报告" in page.text
    resp = client.post(
        "/reports/public", data={"code": seeded.firm.uscc, "csrf_token": form_token(page.text)}
    )
    assert resp.status_code == 200, resp.text
    assert resp.headers["content-type"] == "application/pdf"
    number = _number(resp.content)
    verify = client.get(f"/verify/{number}", headers=HTML)
    assert "真实有效" in verify.text
    token = form_token(verify.text)
    ok = client.post(f"/verify/{number}", data={"csrf_token": token}, files={"file": ("r.pdf", resp.content)})
    assert "真实有效" in ok.text
    assert "数字签名有效" in ok.text
    bad = bytearray(resp.content)
    bad[len(bad) // 2] ^= 1
    altered = client.post(
        f"/verify/{number}", data={"csrf_token": token}, files={"file": ("r.pdf", bytes(bad))}
    )
    assert "已被篡改" in altered.text


def test_subject_downloads_its_reports_from_my_credit(client: TestClient, seeded: Seeded) -> None:
    sign_in(client, "hongda", PASSWORD)
    assert "下载信用报告" in client.get("/me", headers=HTML).text
    page = client.get("/me/reports", headers=HTML)
    assert "专项信用报告" in page.text
    assert "市场监管" in page.text
    today = TODAY
    resp = client.post(
        "/me/reports",
        data={
            "csrf_token": form_token(page.text),
            "kind": "special",
            "domains": ["market_regulation", "tax"],
            "from": (today - dt.timedelta(days=700)).isoformat(),
            "to": (today - dt.timedelta(days=1)).isoformat(),
        },
    )
    assert resp.status_code == 200, resp.text
    assert resp.headers["content-type"] == "application/pdf"
    assert _number(resp.content) in client.get("/me/reports", headers=HTML).text


def test_bank_needs_consent_for_a_full_report(
    client: TestClient, seeded: Seeded, session: Session, policy: Policy
) -> None:
    auth_service.create_account(
        session,
        actor="system:test",
        username="tzbank",
        password=PASSWORD,
        role=Role.BANK,
        organisation="台州银行",
        institution_code="BK-TZYH",
    )
    session.flush()
    sign_in(client, "tzbank", PASSWORD)
    page = client.get("/console/reports", headers=HTML)
    assert page.status_code == 200
    form = {
        "csrf_token": form_token(page.text),
        "code": seeded.firm.uscc,
        "kind": "full",
        "purpose": "贷款审批",
    }
    refused = client.post("/console/reports", data=form, headers=HTML)
    assert refused.status_code == 403
    assert "授权" in refused.text
    owner = Principal(role=Role.SUBJECT, username="hongda", subject_id=seeded.firm.id)
    consent.grant(
        session,
        owner,
        grantee_code="BK-TZYH",
        grantee_name="台州银行",
        sections=list(SECTIONS),
        score=False,
        purpose="贷款审批",
        valid_from=TODAY - dt.timedelta(days=1),
        valid_to=TODAY + dt.timedelta(days=30),
        policy=policy,
    )
    session.flush()
    resp = client.post("/console/reports", data=form)
    assert resp.status_code == 200, resp.text
    assert resp.headers["content-type"] == "application/pdf"
    assert _number(resp.content) in client.get("/console/reports", headers=HTML).text
