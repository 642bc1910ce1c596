"""The audit chain is keyed and anchored; record versions are covered (issue 16, finding 7).

Before: deleting the last entries, or editing one and recomputing the later hashes with the project's
own function, passed ``xinyong audit verify``; edits to ``credit_record`` were not covered at all.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, delete, text, update
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from tests.factories import ingest as fx
from tests.factories.subjects import enterprise
from tests.fixtures.migrated import migrated_sqlite
from xinyong.audit import anchors
from xinyong.audit import service as audit
from xinyong.audit.chain import GENESIS, entry_hash
from xinyong.audit.cli import record_problems
from xinyong.audit.keys import audit_keys, keys_for
from xinyong.audit.models import AuditEvent
from xinyong.cli import app
from xinyong.db import make_engine, make_sessionmaker, session_scope, utcnow
from xinyong.ingest.service import IngestRequest, ingest_file
from xinyong.records.models import CreditRecord
from xinyong.runtime import Runtime
from xinyong.settings import Settings


@pytest.fixture
def db_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = migrated_sqlite(tmp_path / "audit.sqlite3")
    monkeypatch.setenv("XINYONG_DATABASE_URL", url)
    monkeypatch.setenv("XINYONG_VAR_DIR", str(tmp_path))
    engine = make_engine(Settings())
    with session_scope(make_sessionmaker(engine)) as session:
        for i in range(6):
            audit.append(
                session, actor="admin:a", action="test.change", object_type="t", object_id=i, detail={"i": i}
            )
    engine.dispose()
    return url


def _verify(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["audit", "verify", *args])
    return result.exit_code, result.output


def _checkpoint() -> None:
    result = CliRunner().invoke(app, ["audit", "checkpoint"])
    assert result.exit_code == 0, result.output


def _rechain_from(url: str, seq: int, key: bytes | None, detail: dict[str, Any]) -> None:
    """Edit entry ``seq`` and recompute every later hash, as someone with write access would."""
    engine = create_engine(url)
    with engine.begin() as conn:
        rows = conn.execute(
            text(
                "SELECT seq, occurred_at, actor, action, object_type, object_id, detail, prev_hash, key_id"
                " FROM audit_event WHERE seq >= :s ORDER BY seq"
            ),
            {"s": seq},
        ).all()
        prev = (
            conn.execute(text("SELECT hash FROM audit_event WHERE seq = :s"), {"s": seq - 1}).scalar()
            or GENESIS
        )
        for r in rows:
            body = detail if r.seq == seq else json.loads(r.detail)
            import datetime as dt

            at = dt.datetime.fromisoformat(str(r.occurred_at)).replace(tzinfo=dt.UTC)
            h = entry_hash(
                seq=r.seq, occurred_at=at, actor=r.actor, action=r.action, object_type=r.object_type,
                object_id=r.object_id, detail=body, prev_hash=prev, key=key, key_id=r.key_id if key else None,
            )  # fmt: skip
            conn.execute(
                text(
                    "UPDATE audit_event SET detail = :d, prev_hash = :p, hash = :h, key_id = :k WHERE seq = :s"
                ),
                {"d": json.dumps(body), "p": prev, "h": h, "k": r.key_id if key else None, "s": r.seq},
            )
            prev = h
    engine.dispose()


def test_intact_chain_with_checkpoint_verifies(db_url: str) -> None:
    _checkpoint()
    code, out = _verify()
    assert code == 0, out
    assert "1 个签名检查点相符" in out


def test_deleting_the_last_entries_is_detected_by_the_checkpoint(db_url: str) -> None:
    _checkpoint()
    engine = create_engine(db_url)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_event WHERE seq >= 5"))
    engine.dispose()
    code, out = _verify()
    assert code == 1, out
    assert "末尾条目被删除" in out
    assert "第 6 条" in out


def test_rechaining_with_the_unkeyed_function_is_detected(db_url: str) -> None:
    _rechain_from(db_url, 3, None, {"i": 99})
    code, out = _verify("--json")
    assert code == 1, out
    report = json.loads(out)
    assert report["first_bad_seq"] == 3
    assert "无密钥" in report["reason"] or "被修改" in report["reason"]


def test_rechaining_even_with_the_key_is_detected_by_the_checkpoint(db_url: str, tmp_path: Path) -> None:
    _checkpoint()
    keys = audit_keys(Settings())
    _rechain_from(db_url, 3, keys.mac_key, {"i": 99})
    code, out = _verify()
    assert code == 1, out
    assert "重新链接" in out


def test_a_forged_checkpoint_file_is_reported(db_url: str, tmp_path: Path) -> None:
    _checkpoint()
    path = tmp_path / "audit-anchors" / anchors.FILE_NAME
    data = json.loads(path.read_text("utf-8").strip())
    data["entries"] = 3
    path.write_text(json.dumps(data) + "\n", "utf-8")
    code, out = _verify()
    assert code == 1
    assert "签名无效" in out


def test_legacy_unkeyed_chain_continues_under_an_epoch_marker(session: Session) -> None:
    session.execute(delete(AuditEvent))  # a database from before the chain was keyed (rolled back after)
    at = utcnow()
    prev = GENESIS
    for seq in (1, 2):  # entries written before the chain was keyed
        h = entry_hash(seq=seq, occurred_at=at, actor="a", action="old", object_type="t", object_id=None,
                       detail={}, prev_hash=prev)  # fmt: skip
        session.add(AuditEvent(seq=seq, occurred_at=at, actor="a", action="old", object_type="t",
                               object_id=None, detail={}, prev_hash=prev, hash=h, key_id=None))  # fmt: skip
        prev = h
    session.flush()
    audit.append(session, actor="admin:a", action="new", object_type="t")
    events = session.query(AuditEvent).order_by(AuditEvent.seq).all()
    assert [e.action for e in events] == ["old", "old", audit.EPOCH_ACTION, "new"]
    assert events[2].detail["head_hash"] == prev
    assert events[3].key_id == keys_for(session).key_id
    check = audit.verify(session)
    assert check.ok, check.reason
    assert check.epochs == {"unkeyed": 2, keys_for(session).key_id: 2}
    # downgrading a keyed entry to a recomputable one is named
    e = events[3]
    h = entry_hash(seq=e.seq, occurred_at=e.occurred_at, actor=e.actor, action=e.action, object_type=e.object_type,
                   object_id=e.object_id, detail={"x": 1}, prev_hash=e.prev_hash)  # fmt: skip
    session.execute(
        update(AuditEvent).where(AuditEvent.id == e.id).values(detail={"x": 1}, hash=h, key_id=None)
    )
    session.expire_all()
    bad = audit.verify(session)
    assert not bad.ok
    assert bad.first_bad_seq == e.seq
    assert "无密钥" in (bad.reason or "")


def test_record_versions_are_covered_by_the_batch_digest(
    session: Session, runtime: Runtime, tmp_path: Path
) -> None:
    fx.sync_departments(session, runtime.policy)
    a, b = enterprise(session, runtime.keys), enterprise(session, runtime.keys)
    path = fx.write_csv(
        tmp_path / "d.csv",
        [
            fx.penalty("甲", a.uscc or "", "温市监罚〔2026〕71号"),
            fx.penalty("乙", b.uscc or "", "温市监罚〔2026〕72号"),
        ],
    )
    result = ingest_file(
        session,
        IngestRequest(path=path, source_id="xzcf", actor="t"),
        policy=runtime.policy,
        keys=runtime.keys,
    )
    assert result.accepted == 2
    assert record_problems(session) == (1, [])
    rec = (
        session.query(CreditRecord)
        .filter(CreditRecord.batch_id == result.batch_id)
        .order_by(CreditRecord.id)
        .first()
    )
    assert rec is not None
    session.execute(update(CreditRecord).where(CreditRecord.id == rec.id).values(subject_id=b.id))
    checked, problems = record_problems(session)
    assert checked == 1
    assert len(problems) == 1
    assert f"归集批次 {result.batch_id}" in problems[0].message


def test_production_refuses_placeholder_audit_keys() -> None:
    with pytest.raises(ValueError, match="AUDIT_KEY"):
        Settings(env="production", secret_key="s", data_key="d", index_key="i")
