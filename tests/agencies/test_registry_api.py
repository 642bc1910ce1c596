"""The registry through the API: filings by the filing authority, derived status, practitioners kept from
the public (never a clear ID number), supervision events and filed reports as credit records."""

from __future__ import annotations

import datetime as dt
import hashlib

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.factories import auth as fa
from tests.factories import subjects as fs
from xinyong.auth.models import QueryLog
from xinyong.auth.principal import Role
from xinyong.departments import service as departments_service
from xinyong.records.models import CreditRecord
from xinyong.runtime import Runtime

ID_CARD = "330102198506011234"


def _h(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def _filing(uscc: str, filed_on: dt.date) -> dict[str, object]:
    return {
        "uscc": uscc,
        "name": "台州诚信评估有限公司",
        "legal_rep": "王五",
        "filing_no": f"TZXY-{uscc[-6:]}",
        "filed_on": filed_on.isoformat(),
        "filing_authority": "TZ-FGW",
        "business_scopes": ["rating", "investigation"],
    }


def _valid_ric() -> str:
    return fs.next_ric(region="331002")


def _register(client: TestClient, admin: dict[str, str], runtime: Runtime) -> dict[str, object]:
    resp = client.post(
        "/api/v1/agencies", json=_filing(fs.next_uscc(region="331002"), runtime.today()), headers=admin
    )
    assert resp.status_code == 201, resp.text
    return dict(resp.json())


def test_filing_authority_registers_and_the_public_sees_the_derived_status(
    client: TestClient, session: Session, runtime: Runtime
) -> None:
    fgw = departments_service.by_code(session, "TZ-FGW")
    tax = departments_service.by_code(session, "TZ-SW")
    officer = _h(fa.api_key(session, Role.OFFICER, department_id=fgw.id))
    other = _h(fa.api_key(session, Role.OFFICER, department_id=tax.id))
    body = _filing(fs.next_uscc(region="331002"), runtime.today() - dt.timedelta(days=30))
    refused = client.post("/api/v1/agencies", json=body, headers=other)
    assert (refused.status_code, refused.json()["code"]) == (403, "agency.not_authority")
    made = client.post("/api/v1/agencies", json=body, headers=officer)
    assert made.status_code == 201, made.text
    entry = made.json()
    assert entry["status"] == {"code": "filed", "label": "备案有效"}
    assert [s["label"] for s in entry["business_scopes"]] == ["信用评级", "信用调查"]
    again = client.post("/api/v1/agencies", json=body, headers=officer)
    assert (again.status_code, again.json()["code"]) == (409, "agency.already_filed")

    public = client.get("/api/v1/agencies", params={"q": "诚信评估"}).json()
    assert [a["filing_no"] for a in public] == [body["filing_no"]]
    # the agency is an enterprise subject: its own credit file is the subject's file
    file = client.get(f"/api/v1/subjects/{body['uscc']}")
    assert file.status_code == 200
    assert file.json()["basics"]["kind"] == "企业法人"

    cancel_on = runtime.today() - dt.timedelta(days=1)
    cancelled = client.post(
        f"/api/v1/agencies/{entry['id']}/cancel",
        json={"cancelled_on": cancel_on.isoformat(), "reason": "主动申请注销"},
        headers=officer,
    )
    assert cancelled.json()["status"]["label"] == "已注销备案"
    assert client.get("/api/v1/agencies").json()[0]["status"]["code"] == "cancelled"


def test_practitioners_never_reach_the_public_and_reads_are_logged(
    client: TestClient, session: Session, runtime: Runtime
) -> None:
    admin = _h(fa.api_key(session, Role.ADMIN))
    agency = _register(client, admin, runtime)
    id_card = _valid_ric()
    added = client.post(
        f"/api/v1/agencies/{agency['id']}/practitioners",
        json={
            "name": "赵信用",
            "id_card": id_card,
            "qualification": "credit_manager",
            "certificate_no": "XYGL-0001",
            "joined_on": runtime.today().isoformat(),
        },
        headers=admin,
    )
    assert added.status_code == 201, added.text
    seen = added.json()
    assert seen["id_masked"].startswith(id_card[:6])
    assert "*" in seen["id_masked"]
    assert id_card not in added.text
    assert seen["status"]["label"] == "在职"

    public = client.get(f"/api/v1/agencies/{agency['id']}")
    body = public.json()
    assert body["practitioners"] == []
    assert body["practitioners_visible"] is False
    assert "不向社会公开" in body["practitioners_reason"]
    assert "赵信用" not in public.text
    assert id_card[:6] + "*" not in public.text
    assert body["agency"]["practitioners_in_post"] == 1  # a count, no personal data

    for_admin = client.get(f"/api/v1/agencies/{agency['id']}", headers=admin).json()
    assert [p["name"] for p in for_admin["practitioners"]] == ["赵信用"]
    person_id = session.scalar(
        select(QueryLog.subject_id).where(QueryLog.what == "agency_practitioner").order_by(QueryLog.id.desc())
    )
    assert person_id is not None  # the person finds the read in 谁查询了我

    left = client.post(
        f"/api/v1/agencies/{agency['id']}/practitioners/{seen['id']}/leave",
        json={"left_on": runtime.today().isoformat()},
        headers=admin,
    )
    assert left.json()["status"]["label"] == "已离职"


def test_a_supervision_event_is_a_credit_record_on_the_agency(
    client: TestClient, session: Session, runtime: Runtime
) -> None:
    admin = _h(fa.api_key(session, Role.ADMIN))
    agency = _register(client, admin, runtime)
    event = {
        "event_type": "约谈",
        "reason": "出具报告未按规定核实信息来源",
        "document_no": "台发改信约〔2026〕3号",
        "decided_on": runtime.today().isoformat(),
    }
    bad = client.post(
        f"/api/v1/agencies/{agency['id']}/events", json={**event, "event_type": "罚酒"}, headers=admin
    )
    assert (bad.status_code, bad.json()["code"]) == (422, "agency.bad_event_type")
    made = client.post(f"/api/v1/agencies/{agency['id']}/events", json=event, headers=admin)
    assert made.status_code == 201, made.text
    record = session.get(CreditRecord, made.json()["record_id"])
    assert record is not None
    assert (record.catalog_item, record.polarity, record.version) == ("xyfwjg", "negative", 1)
    assert record.payload["JG_LX"] == "约谈"
    assert record.payload["JG_JG"] == "台州市发展和改革委员会"  # the centre acts for the filing authority
    dup = client.post(f"/api/v1/agencies/{agency['id']}/events", json=event, headers=admin)
    assert dup.status_code == 409
    public = client.get(f"/api/v1/agencies/{agency['id']}").json()
    assert [e["event_type"] for e in public["events"]] == ["约谈"]
    assert public["agency"]["public_events"] == 1
    file = client.get(f"/api/v1/subjects/{agency['uscc']}").json()
    assert any(i["catalog_item"] == "xyfwjg" for s in file["sections"] for i in s["items"])


def test_a_filed_report_is_referenced_from_the_subjects_file_for_authorised_viewers(
    client: TestClient, session: Session, runtime: Runtime
) -> None:
    admin = _h(fa.api_key(session, Role.ADMIN))
    agency = _register(client, admin, runtime)
    firm = fs.enterprise(session, runtime.keys)
    agency_id = int(str(agency["id"]))
    from xinyong.agencies import service as agencies_service

    own = _h(
        fa.api_key(session, Role.SUBJECT, subject_id=agencies_service.get(session, agency_id).subject_id)
    )
    stranger = _h(fa.api_key(session, Role.SUBJECT, subject_id=firm.id))
    digest = hashlib.sha256(b"report body").hexdigest()
    report = {
        "subject_code": firm.uscc,
        "report_no": "PJ-2026-001",
        "title": "主体信用评级报告",
        "purpose": "bidding",
        "issued_on": runtime.today().isoformat(),
        "sha256": digest,
    }
    refused = client.post(f"/api/v1/agencies/{agency_id}/reports", json=report, headers=stranger)
    assert refused.status_code == 403
    filed = client.post(f"/api/v1/agencies/{agency_id}/reports", json=report, headers=own)
    assert filed.status_code == 201, filed.text
    assert filed.json()["purpose"]["label"] == "招标投标"
    record = session.get(CreditRecord, filed.json()["record_id"])
    assert record is not None
    assert record.subject_id == firm.id
    assert record.payload["BG_ZY"] == digest

    def items(headers: dict[str, str] | None) -> list[str]:
        file = client.get(f"/api/v1/subjects/{firm.uscc}", headers=headers or {}).json()
        return [i["catalog_item"] for s in file["sections"] for i in s["items"]]

    assert "xyfwbg" in items(stranger)  # the subject itself (stranger is the firm's own key)
    assert "xyfwbg" in items(admin)
    assert "xyfwbg" not in items(None)  # authorised-only: never public
    mine = client.get(f"/api/v1/agencies/{agency_id}", headers=own).json()
    assert [r["report_no"] for r in mine["reports"]] == ["PJ-2026-001"]
    assert client.get(f"/api/v1/agencies/{agency_id}").json()["reports"] == []
