"""Issue 14 point 8 on the page: a natural person's own file (我的信用) shows no publication window."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.web.conftest import HTML, sign_in
from tests.web.seed import PASSWORD, Seeded, record
from xinyong.auth import service as auth_service
from xinyong.auth.principal import Role

LABELS = ("公示期内", "公示至", "公示截止")


def _labelled(text: str) -> bool:
    return any(label in text for label in LABELS)


def test_person_page_shows_no_window(client: TestClient, session: Session, seeded: Seeded) -> None:
    """The person's own page (我的信用) shows the penalty, with no 公示截止 and no 公示期内; a firm's does."""
    today = dt.datetime.now(dt.UTC).date()
    payload = {"CF_CFLB": ["罚款"], "CF_NR_FK": 5.0, "CF_WFXW": "无照经营", "CF_NR": "罚款五万元"}
    record(
        session,
        seeded.person,
        seeded.department,
        "xzcf",
        "台市监罚〔2026〕909号",
        today - dt.timedelta(days=20),
        payload,
    )
    record(
        session,
        seeded.firm,
        seeded.department,
        "xzcf",
        "台市监罚〔2026〕910号",
        today - dt.timedelta(days=20),
        payload,
    )
    auth_service.create_account(
        session,
        actor="system:test",
        username="zhangsan",
        password=PASSWORD,
        role=Role.SUBJECT,
        subject_id=seeded.person.id,
    )
    session.flush()
    sign_in(client, "zhangsan", PASSWORD)
    mine = client.get("/me", headers=HTML)
    assert mine.status_code == 200
    assert "台市监罚〔2026〕909号" in mine.text
    assert not _labelled(mine.text)
    client.cookies.clear()
    sign_in(client, "hongda", PASSWORD)
    firm = client.get("/me", headers=HTML)
    assert "台市监罚〔2026〕910号" in firm.text
    assert "公示截止" in firm.text
