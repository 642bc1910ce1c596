"""KPIs over the API: 信用修复效率 (average repair time) and 异议处理占比 (objection ratio, handling time)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from fastapi.testclient import TestClient

from tests.repair.conftest import World, at


def test_kpis(client: TestClient, world: World, set_clock: Callable) -> None:
    set_clock(at(dt.date(2026, 9, 28)))
    data = {
        "record_id": str(world.penalty.id),
        "obligations_fulfilled": "true",
        "commitment_accepted": "true",
        "kinds": "performance_proof",
    }
    case = client.post(
        "/api/v1/repairs",
        data=data,
        files=[("files", ("p.pdf", b"%PDF-1.4 p", "application/pdf"))],
        headers=world.subject_h,
    ).json()
    obj = client.post(
        "/api/v1/objections",
        json={
            "record_id": world.penalty.id,
            "ground": "incomplete",
            "description": "缺少整改情况",
            "contact_name": "赵六",
            "contact_email": "z@example.cn",
        },
    ).json()
    set_clock(at(dt.date(2026, 9, 29)))
    client.post(f"/api/v1/repairs/{case['id']}/accept", headers=world.officer_h)
    client.post(f"/api/v1/objections/{obj['id']}/accept", headers=world.officer_h)
    set_clock(at(dt.date(2026, 10, 8)))
    client.post(
        f"/api/v1/repairs/{case['id']}/decide",
        json={"outcome": "approved", "reason": "同意"},
        headers=world.officer_h,
    )
    client.post(
        f"/api/v1/objections/{obj['id']}/decide",
        json={"outcome": "reject", "reason": "信息完整"},
        headers=world.officer_h,
    )
    r = client.get(
        "/api/v1/kpis/repair-objection",
        params={"from": "2026-09-01", "to": "2026-10-31"},
        headers=world.admin_h,
    )
    assert r.status_code == 200, r.json()
    k = r.json()
    assert k["repair"]["approved"] == 1
    assert k["repair"]["avg_repair_workdays"] == 3  # 09-29, 09-30, 10-08
    assert k["repair"]["avg_repair_days"] == 10
    assert k["repair"]["on_time_share"] == 1.0  # accepted 09-29, due 10-09 (09-30, 10-08, 10-09)
    assert k["objection"]["filed"] == 1
    assert k["objection"]["upheld"] == 0
    assert k["objection"]["published_records"] == 1
    assert k["objection"]["ratio"] == 1.0
    assert k["objection"]["avg_handling_workdays"] == 3
    assert client.get("/api/v1/kpis/repair-objection", headers=world.subject_h).status_code == 403
