"""The work queue's 临期 reminder: a rule of the queue read from ``policy/workflows/queue.yaml``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from fastapi.testclient import TestClient

from tests.repair.conftest import World, at
from tests.repair.test_repair_api import apply
from xinyong.policy.loader import Policy
from xinyong.repair.workflows import workflows

TODAY = dt.date(2026, 10, 8)


def test_due_soon_follows_the_policy_window(policy: Policy) -> None:
    rules = workflows(policy).queue
    assert rules.due_soon_days == 1
    assert rules.due_soon(TODAY, TODAY, overdue=False)
    assert rules.due_soon(TODAY + dt.timedelta(days=1), TODAY, overdue=False)
    assert not rules.due_soon(TODAY + dt.timedelta(days=2), TODAY, overdue=False)
    assert not rules.due_soon(TODAY, TODAY, overdue=True)
    assert not rules.due_soon(None, TODAY, overdue=False)
    wider = rules.model_copy(update={"due_soon_days": 3})
    assert wider.due_soon(TODAY + dt.timedelta(days=3), TODAY, overdue=False)


def test_work_queue_marks_the_case_due_today_as_due_soon(
    client: TestClient, world: World, set_clock: Callable
) -> None:
    set_clock(at(dt.date(2026, 9, 30)))
    case = apply(client, world, kinds="performance_proof")
    early = client.get("/api/v1/workqueue", headers=world.officer_h).json()["items"]
    (item,) = [i for i in early if i["id"] == case["id"]]
    assert item["due_soon"] is False, item
    set_clock(at(dt.date.fromisoformat(item["due_on"])))
    (item,) = client.get("/api/v1/workqueue", headers=world.officer_h).json()["items"]
    assert (item["overdue"], item["due_soon"]) == (False, True)
    set_clock(at(dt.date.fromisoformat(item["due_on"]) + dt.timedelta(days=1)))
    (item,) = client.get("/api/v1/workqueue", headers=world.officer_h).json()["items"]
    assert (item["overdue"], item["due_soon"]) == (True, False)
