"""Rendered pages of the registry: the public list shows agencies but never practitioners; the console
form registers a practitioner whose ID number is shown only masked; coverage only for the credit centre."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.factories import subjects as subject_factory
from tests.web.conftest import HTML, form_token, sign_in
from tests.web.seed import PASSWORD, Seeded
from xinyong.agencies.models import AgencyPractitioner, CreditAgency


def _agency_id(session: Session) -> int:
    found = session.scalar(select(CreditAgency.id).where(CreditAgency.filing_no == "台信备〔2026〕1号"))
    assert found is not None
    return int(found)


def test_public_list_shows_the_agency_not_its_practitioners(
    client: TestClient, seeded: Seeded, session: Session
) -> None:
    page = client.get("/agencies", headers=HTML)
    assert page.status_code == 200
    assert "台州诚信评估咨询有限公司" in page.text
    assert "备案有效" in page.text
    assert "信用评级、信用管理咨询" in page.text  # labels, never the codes
    assert "rating" not in page.text
    assert "钱从业" not in page.text
    agency = _agency_id(session)
    assert client.get(f"/console/agencies/{agency}", headers=HTML, follow_redirects=False).status_code == 303
    # the API shows the public supervision event, and nobody's personal data
    api = client.get(f"/api/v1/agencies/{agency}")
    assert "钱从业" not in api.text
    assert api.json()["events"][0]["event_type"] == "约谈"


def test_console_registers_a_practitioner_shown_masked(
    client: TestClient, seeded: Seeded, session: Session
) -> None:
    sign_in(client, "centre-admin", PASSWORD)
    agency = _agency_id(session)
    page = client.get(f"/console/agencies/{agency}", headers=HTML)
    assert "钱从业" in page.text
    id_card = subject_factory.next_ric(region="331004")
    resp = client.post(
        f"/console/agencies/{agency}/practitioners",
        data={
            "csrf_token": form_token(page.text),
            "name": "孙新人",
            "id_card": id_card,
            "qualification": "credit_analyst",
            "joined_on": "2026-02-01",
        },
        headers=HTML,
        follow_redirects=False,
    )
    assert resp.status_code == 303, resp.text
    after = client.get(f"/console/agencies/{agency}", headers=HTML).text
    assert "孙新人" in after
    assert "信用分析师" in after
    assert id_card not in after
    assert re.search(re.escape(id_card[:6]) + r"\*+" + re.escape(id_card[-4:]), after)
    stored = session.scalars(select(AgencyPractitioner).where(AgencyPractitioner.agency_id == agency)).all()
    assert len(stored) == 2
    bad = client.post(
        f"/console/agencies/{agency}/practitioners",
        data={
            "csrf_token": form_token(after),
            "name": "某人",
            "id_card": "123",
            "qualification": "x",
            "joined_on": "",
        },
        headers=HTML,
    )
    assert bad.status_code == 200
    assert "表单填写不完整或格式有误" in bad.text


def test_coverage_only_for_the_credit_centre(client: TestClient, seeded: Seeded) -> None:
    sign_in(client, "scjg-officer", PASSWORD)
    officer = client.get("/console/professions", headers=HTML).text
    assert "重点职业人群目录" in officer
    assert "覆盖率（目标" not in officer
    client.post("/logout", headers=HTML)
    client.cookies.clear()
    sign_in(client, "centre-admin", PASSWORD)
    admin = client.get("/console/professions", headers=HTML).text
    assert "公务员信用档案覆盖率（目标 100%）" in admin
