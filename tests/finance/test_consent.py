"""Consent by institution: chosen from the register, never free text; the bank sees exactly what was granted."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.factories import auth as fa
from tests.factories import records as fr
from tests.factories import subjects as fs
from xinyong.auth.models import QueryLog
from xinyong.auth.principal import Role
from xinyong.evaluation import service as evaluation_service
from xinyong.policy.loader import Policy
from xinyong.reports.models import CreditReportItem
from xinyong.runtime import Runtime

TODAY = dt.datetime.now(ZoneInfo("Asia/Shanghai")).date()
RECENT = TODAY - dt.timedelta(days=30)


def _company(session: Session, runtime: Runtime, policy: Policy) -> tuple[str, int, int, int]:
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
    evaluation_service.run_evaluation(session, policy, TODAY, actor="test")
    assert company.uscc is not None
    return company.uscc, company.id, penalty.id, tax.id


def _grant(client: TestClient, csrf: str, **kw: object) -> dict[str, object]:
    body: dict[str, object] = {
        "institution_code": "BK-TZYH",
        "purpose": "流动资金贷款审批",
        "sections": ["行政管理"],
        "score": False,
        "valid_from": str(TODAY),
        "valid_to": str(TODAY + dt.timedelta(days=90)),
        **kw,
    }
    resp = client.post("/api/v1/me/authorisations", json=body, headers={"X-CSRF-Token": csrf})
    return {**resp.json(), "http": resp.status_code}


def _section(body: dict[str, object], name: str) -> list[dict[str, object]]:
    return next(list(s["items"]) for s in body["sections"] if s["name"] == name)  # type: ignore[attr-defined]


def test_free_text_unknown_and_too_long_grants_are_refused(
    client: TestClient, session: Session, runtime: Runtime, policy: Policy
) -> None:
    _, subject_id, _, _ = _company(session, runtime, policy)
    csrf = fa.login(client, fa.account(session, Role.SUBJECT, subject_id=subject_id))
    free = client.post(
        "/api/v1/me/authorisations",
        json={
            "grantee_organisation": "台州银行",
            "purpose": "贷款",
            "valid_from": str(TODAY),
            "valid_to": str(TODAY + dt.timedelta(days=30)),
        },
        headers={"X-CSRF-Token": csrf},
    )
    assert free.status_code == 422
    unknown = _grant(client, csrf, institution_code="台州银行")
    assert unknown["http"] == 422
    assert unknown["code"] == "consent.unknown_institution"
    assert "名录" in str(unknown["message"])
    too_long = _grant(client, csrf, valid_to=str(TODAY + dt.timedelta(days=91)))
    assert (too_long["http"], too_long["code"]) == (422, "consent.too_long")
    assert "90 天" in str(too_long["message"])
    bad_section = _grant(client, csrf, sections=["全部"])
    assert (bad_section["http"], bad_section["code"]) == (422, "consent.bad_section")
    empty = _grant(client, csrf, sections=[], score=False)
    assert (empty["http"], empty["code"]) == (422, "consent.empty_scope")
    ok = _grant(client, csrf)
    assert ok["http"] == 201
    assert ok["grantee_organisation"] == "台州银行"
    assert (ok["status"], ok["grantee_code"]) == ("有效", "BK-TZYH")


def test_bank_sees_exactly_what_was_granted_and_every_use_is_listed(
    client: TestClient, session: Session, runtime: Runtime, policy: Policy
) -> None:
    uscc, subject_id, penalty_id, tax_id = _company(session, runtime, policy)
    bank = {
        "Authorization": "Bearer "
        + fa.api_key(session, Role.BANK, organisation="台州银行", institution_code="BK-TZYH")
    }
    other_bank = {
        "Authorization": "Bearer "
        + fa.api_key(session, Role.BANK, organisation="泰隆银行台州分行", institution_code="BK-TLYH")
    }
    owner = fa.account(session, Role.SUBJECT, subject_id=subject_id)
    csrf = fa.login(client, owner)
    first = _grant(client, csrf)
    assert first["http"] == 201
    client.cookies.clear()

    body = client.get(f"/api/v1/subjects/{uscc}", headers=bank).json()
    assert body["viewer"]["audience"] == "authorised_party"
    assert [i["record_id"] for i in _section(body, "行政管理")] == [penalty_id]
    assert _section(body, "其他") == []  # 欠税 is shared, but the subject did not grant 其他
    assert client.get(f"/api/v1/subjects/{uscc}", headers=other_bank).json()["viewer"]["audience"] == "public"
    # the score: not granted, so refused with the reason (before the fix every bank got 403 regardless)
    refused = client.get(f"/api/v1/subjects/{uscc}/evaluation", headers=bank)
    assert refused.status_code == 403
    assert refused.json()["code"] == "consent.score_not_granted"
    report = client.post(
        "/api/v1/reports", json={"code": uscc, "kind": "full", "purpose": "贷款审批"}, headers=bank
    )
    assert report.status_code == 201, report.text
    items = session.scalars(select(CreditReportItem.record_id)).all()
    assert penalty_id in items
    assert tax_id not in items

    csrf = fa.login(client, owner)
    second = _grant(client, csrf, sections=["行政管理", "其他"], score=True)
    assert second["http"] == 201
    client.cookies.clear()
    scored = client.get(f"/api/v1/subjects/{uscc}/evaluation", headers=bank)
    assert scored.status_code == 200, scored.text
    assert scored.json()["grade"]
    body = client.get(f"/api/v1/subjects/{uscc}", headers=bank).json()
    assert [i["record_id"] for i in _section(body, "其他")] == [tax_id]

    logged = session.scalars(
        select(QueryLog).where(QueryLog.subject_id == subject_id).order_by(QueryLog.id)
    ).all()
    assert [(q.what, q.organisation, q.basis) for q in logged] == [
        ("credit_file", "台州银行", "authorisation"),
        ("credit_file", "台州银行", "authorisation"),  # the full report reads the file
        ("evaluation", "台州银行", "authorisation"),
        ("credit_file", "台州银行", "authorisation"),
    ]
    fa.login(client, owner)
    who = client.get("/api/v1/me/queries").json()
    assert who["total"] == 4
    assert {i["organisation"] for i in who["items"]} == {"台州银行"}


def test_the_form_offers_the_longest_term_the_grant_accepts(
    client: TestClient, session: Session, runtime: Runtime, policy: Policy
) -> None:
    """The page's default end date and the grant's limit are one rule (``consent.latest_end``)."""
    _, subject_id, _, _ = _company(session, runtime, policy)
    csrf = fa.login(client, fa.account(session, Role.SUBJECT, subject_id=subject_id))
    page = client.get("/me/authorisations", headers={"Accept": "text/html"})
    found = re.search(r'name="valid_to" type="date" required value="(\d{4}-\d{2}-\d{2})"', page.text)
    assert found, page.text[:500]
    offered = dt.date.fromisoformat(found.group(1))
    today = runtime.today()
    assert offered > today
    beyond = _grant(client, csrf, valid_from=str(today), valid_to=str(offered + dt.timedelta(days=1)))
    assert (beyond["http"], beyond["code"]) == (422, "consent.too_long")
    ok = _grant(client, csrf, valid_from=str(today), valid_to=str(offered))
    assert ok["http"] == 201, ok
