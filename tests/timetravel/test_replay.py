"""Issue 22 point 2: stored checks and evaluation runs are recomputed from (on, known, policy hash) and
compare byte for byte, after later data, a later repair and a policy change."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from tests.conftest import POLICY_DIR
from tests.factories import sanctions as f
from tests.factories.subjects import enterprise
from xinyong.auth.principal import Principal, Role
from xinyong.errors import NotFound
from xinyong.evaluation import service as evaluation_service
from xinyong.policy.loader import Policy, load_policy
from xinyong.registers import service as registers_service
from xinyong.runtime import Runtime
from xinyong.sanctions import service as sanctions_service
from xinyong.timetravel import replay

ON = dt.date(2026, 11, 2)


def _check(session: Session, runtime: Runtime, policy: Policy, codes: list[str], dept_id: int) -> str:
    principal = Principal(role=Role.OFFICER, username="replay", department_id=dept_id)
    ctx = sanctions_service.CheckContext(principal, "政府采购", ON)
    answer = sanctions_service.check(
        session, policy, runtime.keys, [sanctions_service.Query(code=c) for c in codes], ctx
    )
    return str(answer["result_hash"])


def _old_policy(tmp_path: Path) -> Policy:
    """A policy tree that differs from the one in force (another hash), as last year's would."""
    root = tmp_path / "old-policy"
    shutil.copytree(POLICY_DIR, root)
    with (root / "regions.yaml").open("a", encoding="utf-8") as fh:
        fh.write("\n# 上一版本\n")
    return load_policy(root)


def test_stored_checks_and_runs_replay_byte_for_byte(
    session: Session, runtime: Runtime, policy: Policy, tmp_path: Path
) -> None:
    firms = [enterprise(session, runtime.keys) for _ in range(4)]
    listing = f.listed(session, firms[0])
    f.record(session, firms[1], decided=dt.date(2026, 3, 1))
    f.listed(session, firms[3], "jyycml", decided=dt.date(2026, 2, 1))
    dept_id = f.department(session, "TZ-SCJG").id
    run = evaluation_service.run_evaluation(session, policy, dt.date(2026, 10, 31), actor="test")
    stored = [_check(session, runtime, policy, [s.uscc or ""], dept_id) for s in firms]
    stored.append(_check(session, runtime, policy, [s.uscc or "" for s in firms], dept_id))
    old = _old_policy(tmp_path)
    registers_service.keep_policy_snapshot(session, old)
    _check(session, runtime, old, [firms[0].uscc or ""], dept_id)
    shutil.rmtree(old.root)  # the old tree now lives only in the database

    # afterwards: the listing is repaired and removed, another firm is listed, a penalty arrives
    f.event(session, listing, "list_removed", dt.date(2026, 9, 1))
    f.event(session, listing, "repaired", dt.date(2026, 9, 1))
    f.listed(session, firms[2], decided=dt.date(2026, 1, 5))
    f.record(session, firms[3], decided=dt.date(2026, 4, 1), severity="严重")
    assert (
        _check(session, runtime, policy, [firms[0].uscc or ""], dept_id) != stored[0]
    )  # today's answer moved

    out = replay.replay_sample(
        session, policy, runtime.keys, tmp_path / "cache", checks=7, runs=1, per_run=50
    )
    checks = [r for r in out if r.kind == "check"]
    results = [r for r in out if r.kind == "evaluation"]
    assert len(checks) == 7
    assert len(results) == run.subjects >= 4
    assert [r for r in out if r.status != replay.IDENTICAL] == []
    assert {r.stored for r in checks} >= set(stored)


def test_a_hash_without_its_tree_is_said_plainly(session: Session, runtime: Runtime, policy: Policy) -> None:
    with pytest.raises(NotFound) as caught:
        registers_service.policy_of_hash(session, policy, "0" * 64, Path("/nonexistent"))
    assert caught.value.code == "policy.snapshot_missing"
    assert "未存档" in caught.value.message
