"""Faults: a retention purge or an audit checkpoint that dies midway leaves nothing half-done; running
again completes, nothing is lost or doubled, and the chain verifies."""

from __future__ import annotations

import datetime as dt
import os
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from tests.conftest import POLICY_DIR
from tests.factories import records as fr
from tests.factories import subjects as fs
from tests.fixtures.migrated import migrated_sqlite
from xinyong.audit import anchors
from xinyong.audit import service as audit
from xinyong.audit.keys import audit_keys
from xinyong.db import make_engine, make_sessionmaker, session_scope
from xinyong.kit.crypto import KeyRing
from xinyong.policy.loader import load_policy
from xinyong.records import retention
from xinyong.records.models import CreditRecord
from xinyong.settings import Settings


class Killed(BaseException):
    """Stands for the process dying at this point (not an Exception: nothing may catch it)."""


def _settings(tmp_path: Path) -> Settings:
    url = migrated_sqlite(tmp_path / "f.sqlite3")
    return Settings(env="test", database_url=url, var_dir=tmp_path / "var", policy_dir=POLICY_DIR)


def test_purge_dying_midway_leaves_whole_pages_and_completes_on_rerun(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = _settings(tmp_path)
    policy = load_policy(POLICY_DIR)
    engine = make_engine(settings)
    factory = make_sessionmaker(engine)
    keys = KeyRing.from_text(
        "q7b1tZ3f0QhX8o5m2CwYv9nKp4sLr6uJ1eAa3dGg0Hc", "Zx8c7v6b5n4m3l2k1j0h9g8f7d6s5a4q3w2e1r0t9y8"
    )
    with session_scope(factory) as session:
        dept = fs.department(session)
        for _ in range(5):
            company = fs.enterprise(session, keys)
            fr.record(session, policy, company, dept, decision_on=dt.date(2019, 3, 1))
        fr.record(session, policy, company, dept, decision_on=dt.date(2025, 3, 1))
    monkeypatch.setattr(retention, "PAGE", 2)
    real_append = audit.append
    calls = {"n": 0}

    def dying(*args: Any, **kw: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 2:  # the second page: its deletions done, its audit entry about to be written
            raise Killed
        return real_append(*args, **kw)

    monkeypatch.setattr(audit, "append", dying)
    on = dt.date(2026, 12, 1)
    with pytest.raises(Killed):
        retention.purge(partial(session_scope, factory), policy, on=on)
    with session_scope(factory, write=False) as session:
        assert session.scalar(select(func.count()).select_from(CreditRecord)) == 4  # one page of 2 gone
        assert len(audit.entries_of(session, retention.ACTION)) == 1
    monkeypatch.setattr(audit, "append", real_append)
    report = retention.purge(partial(session_scope, factory), policy, on=on)
    assert report.records == 3
    with session_scope(factory, write=False) as session:
        assert session.scalar(select(func.count()).select_from(CreditRecord)) == 1
        entries = audit.entries_of(session, retention.ACTION)
        assert sum(e.detail["records"] for e in entries) == 5  # nothing lost, nothing doubled
        assert audit.verify(session).ok
    engine.dispose()


def test_checkpoint_dying_before_its_rename_keeps_the_earlier_checkpoints(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = _settings(tmp_path)
    engine = make_engine(settings)
    factory = make_sessionmaker(engine)
    keys = audit_keys(settings)
    with session_scope(factory) as session:
        audit.append(session, actor="a", action="t", object_type="t")
    with session_scope(factory, write=False) as session:
        anchors.write(session, keys, settings.anchor_dir)
    before = (settings.anchor_dir / anchors.FILE_NAME).read_bytes()
    with session_scope(factory) as session:
        audit.append(session, actor="a", action="t", object_type="t")

    def dying(*_: Any) -> None:
        raise Killed

    monkeypatch.setattr(os, "replace", dying)  # the anchor is written by os.replace
    with pytest.raises(Killed), session_scope(factory, write=False) as session:
        anchors.write(session, keys, settings.anchor_dir)
    assert (settings.anchor_dir / anchors.FILE_NAME).read_bytes() == before
    monkeypatch.undo()
    with session_scope(factory, write=False) as session:
        anchors.write(session, keys, settings.anchor_dir)
        points, broken = anchors.read(settings.anchor_dir)
        assert (len(points), broken) == (2, [])
        chain = audit.verify(session, keys=keys)
        assert chain.ok
        assert anchors.check(session, keys, settings.anchor_dir, chain) == []
    engine.dispose()
