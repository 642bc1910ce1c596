"""kill -9 in the middle of an evaluation, a retention purge and an audit checkpoint, then run again:
nothing lost or doubled, and ``xinyong audit verify`` passes.

The command runs in a child process that sends itself SIGKILL at a chosen point (after the evaluation's
results are written but before they commit; inside the purge's second page; between writing a checkpoint
and putting it in place): a real kill -9 — no ``finally``, no rollback, no flush — at the worst moment,
deterministically, where a timer would hit a different point on every machine.
"""

from __future__ import annotations

import datetime as dt
import json
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, func, select
from sqlalchemy.orm import Session

from tests.conftest import POLICY_DIR, TEST_DATA_KEY, TEST_INDEX_KEY
from tests.factories import ingest as fx
from tests.factories import records as fr
from tests.factories import subjects as fs
from tests.fixtures.migrated import migrated_sqlite
from xinyong.audit.models import AuditEvent
from xinyong.evaluation.models import EvaluationResult, EvaluationRun
from xinyong.kit.crypto import KeyRing
from xinyong.policy.loader import load_policy
from xinyong.records.models import CreditRecord

pytestmark = pytest.mark.slow  # real processes killed and run again: scheduled first (tests/conftest.py)

# Runs ``xinyong <args>`` with ``module:attribute`` wrapped to SIGKILL the process on its nth call (before
# or after the real call), and module constants set first (e.g. a small page size).
BOOT = """
import importlib, json, os, signal, sys
spec = json.loads(sys.argv[1])
for target, value in spec.get("set", {}).items():
    module, _, attr = target.partition(":")
    setattr(importlib.import_module(module), attr, value)
module, _, attr = spec["kill"].partition(":")
owner = importlib.import_module(module)
real, calls = getattr(owner, attr), [0]
def dying(*args, **kwargs):
    calls[0] += 1
    if spec["when"] == "before" and calls[0] == spec["nth"]:
        os.kill(os.getpid(), signal.SIGKILL)
    out = real(*args, **kwargs)
    if spec["when"] == "after" and calls[0] == spec["nth"]:
        os.kill(os.getpid(), signal.SIGKILL)
    return out
setattr(owner, attr, dying)
from xinyong.cli import app
app(sys.argv[2:], prog_name="xinyong")
"""


def killed(args: list[str], env: dict[str, str], kill: str, *, when: str = "after", nth: int = 1,
           set_: dict[str, Any] | None = None) -> None:  # fmt: skip
    """Run ``xinyong args`` and kill -9 it at ``kill``'s ``nth`` call; assert it died that way."""
    spec = json.dumps({"kill": kill, "when": when, "nth": nth, "set": set_ or {}})
    proc = subprocess.run(
        [sys.executable, "-c", BOOT, spec, *args], env=env, capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == -signal.SIGKILL, (proc.returncode, proc.stdout, proc.stderr)


def xinyong(args: list[str], env: dict[str, str]) -> str:
    done = fx.run_cli(args, env)
    assert done.returncode == 0, (done.stdout, done.stderr)
    return done.stdout


def count(engine: Engine, model: Any, *where: Any) -> int:
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(model).where(*where)) or 0


@pytest.fixture
def populated(tmp_path: Path) -> tuple[Engine, dict[str, str]]:
    """A SQLite file with 30 enterprises: each has a 2019 penalty (past retention by 2026-12) and a 2025 one."""
    url = migrated_sqlite(tmp_path / "k.sqlite3")
    engine = create_engine(url)
    policy = load_policy(POLICY_DIR)
    keys = KeyRing.from_text(TEST_DATA_KEY, TEST_INDEX_KEY)
    with Session(engine) as session:
        dept = fs.department(session)
        for _ in range(30):
            company = fs.enterprise(session, keys)
            fr.record(session, policy, company, dept, decision_on=dt.date(2019, 3, 1))
            fr.record(session, policy, company, dept, decision_on=dt.date(2025, 3, 1))
        session.commit()
    return engine, fx.cli_env(url, tmp_path / "var")


def test_kill9_during_evaluation_then_rerun(populated: tuple[Engine, dict[str, str]]) -> None:
    engine, env = populated
    # the results are written in the run's transaction; the process dies before it commits
    killed(["evaluate", "--as-of", "2026-11-01"], env, "xinyong.evaluation.batch:write_results")
    assert count(engine, EvaluationRun) == 0
    assert count(engine, EvaluationResult) == 0
    assert count(engine, AuditEvent, AuditEvent.action == "evaluation.run") == 0
    xinyong(["audit", "verify"], env)
    xinyong(["evaluate", "--as-of", "2026-11-01"], env)
    assert count(engine, EvaluationRun, EvaluationRun.status == "finished") == 1
    assert count(engine, EvaluationRun) == 1
    assert count(engine, EvaluationResult) == 30  # every subject graded once
    assert count(engine, AuditEvent, AuditEvent.action == "evaluation.run") == 1
    xinyong(["audit", "verify"], env)


def test_kill9_during_retention_purge_then_rerun(populated: tuple[Engine, dict[str, str]]) -> None:
    engine, env = populated
    purge = ["retention", "purge", "--on", "2026-12-01", "--json"]
    # pages scanning 4 versions (2 of them due): the first page commits with its audit entry; the process
    # dies after the second page's deletions, as its audit entry is about to be written
    killed(purge, env, "xinyong.audit.service:append", when="before", nth=2,
           set_={"xinyong.records.retention:PAGE": 4})  # fmt: skip
    left = count(engine, CreditRecord)
    assert left == 60 - 2, "exactly the first page is gone; the second rolled back whole"
    first = count(engine, AuditEvent, AuditEvent.action == "retention.purge")
    assert first == 1
    xinyong(["audit", "verify"], env)
    report = json.loads(xinyong(purge, env).strip().splitlines()[-1])
    assert report["records"] == 28
    assert count(engine, CreditRecord) == 30  # the 2025 penalties stay
    with Session(engine) as session:
        details = session.scalars(
            select(AuditEvent.detail).where(AuditEvent.action == "retention.purge")
        ).all()
    assert sum(d["records"] for d in details) == 30  # nothing lost, nothing doubled
    xinyong(["audit", "verify"], env)


def test_kill9_during_audit_checkpoint_then_rerun(
    populated: tuple[Engine, dict[str, str]], tmp_path: Path
) -> None:
    _engine, env = populated
    anchors = tmp_path / "var" / "audit-anchors" / "checkpoints.jsonl"
    xinyong(["audit", "checkpoint"], env)
    before = anchors.read_bytes()
    xinyong(["evaluate", "--as-of", "2026-11-01"], env)  # one more audited act after the first checkpoint
    # the new checkpoint file is written and synced; the process dies before it replaces the old one
    killed(["audit", "checkpoint"], env, "os:replace", when="before")
    assert anchors.read_bytes() == before
    xinyong(["audit", "verify"], env)
    xinyong(["audit", "checkpoint"], env)
    lines = anchors.read_text("utf-8").splitlines()
    assert len(lines) == 2  # the earlier checkpoint and one new one, not two
    assert json.loads(lines[1])["entries"] > json.loads(lines[0])["entries"]
    xinyong(["audit", "verify"], env)
