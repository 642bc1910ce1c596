"""Publication endpoints: only what ``decide`` makes public today, with filters and pages."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.factories import records as fr
from tests.factories import subjects as fs
from xinyong.policy.loader import Policy
from xinyong.records.models import CreditRecord
from xinyong.runtime import Runtime

TODAY = dt.datetime.now(ZoneInfo("Asia/Shanghai")).date()
RECENT = TODAY - dt.timedelta(days=20)


def _docs(resp: object) -> set[str]:
    return {i["document_no"] for i in resp.json()["items"]}  # type: ignore[attr-defined]


def test_penalties_public_now(client: TestClient, session: Session, runtime: Runtime, policy: Policy) -> None:
    tax = fs.department(session, "WL-SW")
    tax.domain, tax.region_code = "tax", "331081"
    market = fs.department(session, "TZ-SCJG")
    market.domain = "market_regulation"
    wl = fs.enterprise(session, runtime.keys, uscc=fs.next_uscc("331081"))
    hy = fs.enterprise(session, runtime.keys, uscc=fs.next_uscc("331003"))
    person = fs.person(session, runtime.keys)
    shown = fr.record(session, policy, wl, tax, decision_on=RECENT)
    other_county = fr.record(session, policy, hy, tax, decision_on=RECENT)
    warning = fr.record(
        session, policy, hy, market, decision_on=RECENT, severity="轻微", payload={"CF_CFLB": ["警告"]}
    )
    old = fr.record(session, policy, wl, tax, decision_on=TODAY - dt.timedelta(days=365 * 4))
    of_person = fr.record(session, policy, person, tax, decision_on=RECENT)
    repaired = fr.record(session, policy, wl, tax, decision_on=RECENT)
    fr.event(session, repaired, "repaired", TODAY - dt.timedelta(days=1))

    docs = _docs(client.get("/api/v1/public/penalties"))
    assert shown.document_no in docs
    assert other_county.document_no in docs
    for hidden in (warning, old, of_person, repaired):
        assert hidden.document_no not in docs
    assert _docs(client.get("/api/v1/public/penalties", params={"county": "331081"})) == {shown.document_no}
    assert _docs(client.get("/api/v1/public/penalties", params={"department": "TZ-SCJG"})) == set()
    assert _docs(client.get("/api/v1/public/penalties", params={"date_from": str(TODAY)})) == set()
    entry = client.get("/api/v1/public/penalties", params={"county": "331081"}).json()["items"][0]
    assert entry["public_until"]
    assert any(f["label"] == "违法行为类型" for f in entry["fields"])


def test_pages(client: TestClient, session: Session, runtime: Runtime, policy: Policy) -> None:
    dept = fs.department(session, "TZ-SW")
    company = fs.enterprise(session, runtime.keys, uscc=fs.next_uscc("331024"))
    made = {
        fr.record(session, policy, company, dept, decision_on=RECENT - dt.timedelta(days=i)).document_no
        for i in range(5)
    }
    first = client.get("/api/v1/public/penalties", params={"county": "331024", "size": 3}).json()
    second = client.get("/api/v1/public/penalties", params={"county": "331024", "size": 3, "page": 2}).json()
    assert first["has_more"] is True
    assert second["has_more"] is False
    assert {i["document_no"] for i in first["items"] + second["items"]} == made


def test_lists_in_force(client: TestClient, session: Session, runtime: Runtime, policy: Policy) -> None:
    dept = fs.department(session, "TZ-FGW")
    company = fs.enterprise(session, runtime.keys)
    listed = fr.record(
        session,
        policy,
        company,
        dept,
        item="yzsxmd",
        decision_on=RECENT,
        severity=None,
        payload={"MD_LX": "严重违法失信名单"},
    )
    ended = fr.record(
        session,
        policy,
        company,
        dept,
        item="yzsxmd",
        decision_on=RECENT - dt.timedelta(days=300),
        severity=None,
        payload={"MD_YCRQ": str(RECENT)},
    )
    removed = fr.record(session, policy, company, dept, item="jyycml", decision_on=RECENT, severity=None)
    fr.event(session, removed, "list_removed", TODAY - dt.timedelta(days=2))
    abnormal = fr.record(session, policy, company, dept, item="jyycml", decision_on=RECENT, severity=None)
    honour = fr.record(
        session,
        policy,
        company,
        dept,
        item="sxjl",
        decision_on=RECENT,
        severity=None,
        valid_to=TODAY + dt.timedelta(days=300),
    )
    lapsed: CreditRecord = fr.record(
        session,
        policy,
        company,
        dept,
        item="sxjl",
        decision_on=RECENT,
        severity=None,
        valid_to=TODAY - dt.timedelta(days=1),
    )
    black = _docs(client.get("/api/v1/public/lists/black"))
    assert listed.document_no in black
    assert ended.document_no not in black
    abnormal_docs = _docs(client.get("/api/v1/public/lists/abnormal"))
    assert abnormal.document_no in abnormal_docs
    assert removed.document_no not in abnormal_docs
    red = _docs(client.get("/api/v1/public/lists/red"))
    assert honour.document_no in red
    assert lapsed.document_no not in red
    unknown = client.get("/api/v1/public/lists/grey")
    assert unknown.status_code == 404
    assert unknown.json()["code"] == "list.unknown"


def test_licences(client: TestClient, session: Session, runtime: Runtime, policy: Policy) -> None:
    dept = fs.department(session, "TZ-ZJ")
    company = fs.enterprise(session, runtime.keys)
    valid = fr.record(
        session,
        policy,
        company,
        dept,
        item="xzxk",
        decision_on=RECENT,
        severity=None,
        valid_to=TODAY + dt.timedelta(days=900),
    )
    expired = fr.record(
        session,
        policy,
        company,
        dept,
        item="xzxk",
        decision_on=RECENT,
        severity=None,
        valid_to=TODAY - dt.timedelta(days=1),
    )
    docs = _docs(client.get("/api/v1/public/licences"))
    assert valid.document_no in docs
    assert expired.document_no not in docs
    assert expired.document_no in _docs(client.get("/api/v1/public/licences", params={"in_force": "false"}))
