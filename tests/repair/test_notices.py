"""两书同达: a repair notice is generated with each new penalty or listing record."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.factories import repair as f
from tests.repair.conftest import World
from xinyong.policy.loader import Policy
from xinyong.repair.models import RepairNotice
from xinyong.repair.notices import issue_notices_for_new_penalties
from xinyong.runtime import Runtime


def test_notices_for_new_batch(session: Session, policy: Policy, world: World) -> None:
    fine = f.record(
        session,
        subject_id=world.subject.id,
        department_id=world.department_id,
        batch_id=7,
        decision_on=dt.date(2026, 5, 10),
    )
    samr = f.department(session, "TZ-SCJG", "market_regulation", "台州市市场监督管理局")
    revoked = f.record(
        session,
        subject_id=world.subject.id,
        department_id=samr.id,
        batch_id=7,
        decision_on=dt.date(2026, 5, 10),
        payload={"CF_WSH": "台市监罚〔2026〕99号", "CF_CFLB": ["吊销许可证件"], "CF_WFXW": "x"},
    )
    listing = f.record(
        session,
        subject_id=world.subject.id,
        department_id=world.department_id,
        batch_id=7,
        catalog_item="yzsxmd",
        decision_on=dt.date(2026, 2, 1),
    )
    licence = f.record(
        session,
        subject_id=world.subject.id,
        department_id=world.department_id,
        batch_id=7,
        catalog_item="xzxk",
        polarity="neutral",
        payload={"XK_WSH": "许可1"},
    )
    assert issue_notices_for_new_penalties(session, policy, since_batch_id=6) == 3
    assert issue_notices_for_new_penalties(session, policy, since_batch_id=6) == 0  # once per record
    notices = {n.record_id: n for n in session.scalars(select(RepairNotice))}
    assert licence.id not in notices
    assert world.penalty.id not in notices
    n = notices[fine.id]
    assert n.earliest_repair_on == dt.date(2026, 8, 10)
    assert n.publication_end_on == dt.date(2027, 5, 10)
    assert "信用修复告知书" in n.text
    assert "2026-08-10" in n.text
    assert "不收取任何费用" in n.text
    assert "台州市生态环境局" in n.text
    assert "<h1>信用修复告知书</h1>" in n.html
    assert notices[revoked.id].earliest_repair_on is None
    assert "不得提前停止公示" in notices[revoked.id].text
    assert notices[listing.id].earliest_repair_on == dt.date(2027, 2, 1)


def test_notice_api(client: TestClient, world: World, set_clock: Callable) -> None:
    r = client.get(f"/api/v1/records/{world.penalty.id}/repair-notice", headers=world.subject_h)
    assert r.status_code == 200
    assert r.json()["earliest_repair_on"] == "2026-08-10"
    r = client.get(f"/api/v1/records/{world.penalty.id}/repair-notice?format=html", headers=world.subject_h)
    assert r.headers["content-type"].startswith("text/html")
    assert "信用修复告知书" in r.text
    assert (
        client.get(f"/api/v1/records/{world.penalty.id}/repair-notice", headers=world.bank_h).status_code
        == 403
    )


def test_demo_step_issues_notices(runtime: Runtime, world: World) -> None:
    from xinyong.repair.demo import issue_notices

    lines = issue_notices(runtime, runtime.settings.var_dir)
    assert "1 份" in lines[0]
