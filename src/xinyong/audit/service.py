"""Audit use cases: append an entry in the caller's transaction, verify the chain."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Connection, Table, select
from sqlalchemy.orm import Session

from xinyong.audit.chain import GENESIS, entry_hash
from xinyong.audit.models import AuditEvent
from xinyong.db import utcnow
from xinyong.db_prepared import Prepared, PreparedInsert, connection_of

# The key of the PostgreSQL advisory lock that serialises appends to the chain (any constant; "XYAUDIT").
HEAD_LOCK_KEY = 0x5859_4155_4449_54


def lock_head(conn: Connection) -> None:
    """Serialise appends to the chain head until the transaction ends.

    PostgreSQL: a transaction-scoped advisory lock, so two transactions never read the same head and
    collide on ``seq``. SQLite: writers already hold the database's write lock from ``BEGIN IMMEDIATE``
    (``db.writer_session``), so nothing more is needed there.
    """
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({HEAD_LOCK_KEY})")


def append(
    session: Session,
    *,
    actor: str,
    action: str,
    object_type: str,
    object_id: str | int | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one audit entry chained to the last one; the caller commits."""
    lock_head(session.connection())
    last = session.execute(
        select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)
    ).first()
    seq, prev = (last[0] + 1, last[1]) if last else (1, GENESIS)
    at = utcnow()
    body = detail or {}
    oid = None if object_id is None else str(object_id)
    event = AuditEvent(
        seq=seq,
        occurred_at=at,
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=oid,
        detail=body,
        prev_hash=prev,
        hash=entry_hash(
            seq=seq,
            occurred_at=at,
            actor=actor,
            action=action,
            object_type=object_type,
            object_id=oid,
            detail=body,
            prev_hash=prev,
        ),
    )
    session.add(event)
    session.flush()
    return event


@dataclass(frozen=True)
class ChainCheck:
    """Result of verifying the audit chain."""

    ok: bool
    entries: int
    first_bad_seq: int | None = None
    reason: str | None = None


def verify(session: Session, *, batch: int = 5000) -> ChainCheck:
    """Walk the chain in order and report the first edited, deleted or reordered entry."""
    prev = GENESIS
    expected_seq = 1
    count = 0
    last_seq = 0
    while True:
        rows = session.scalars(
            select(AuditEvent).where(AuditEvent.seq > last_seq).order_by(AuditEvent.seq).limit(batch)
        ).all()
        if not rows:
            return ChainCheck(ok=True, entries=count)
        for ev in rows:
            if ev.seq != expected_seq:
                return ChainCheck(
                    False, count, ev.seq, f"序号不连续：应为 {expected_seq}，实际为 {ev.seq}（有条目被删除）"
                )
            if ev.prev_hash != prev:
                return ChainCheck(False, count, ev.seq, "前序哈希不匹配（条目被删除或重排）")
            recomputed = entry_hash(
                seq=ev.seq,
                occurred_at=ev.occurred_at,
                actor=ev.actor,
                action=ev.action,
                object_type=ev.object_type,
                object_id=ev.object_id,
                detail=ev.detail,
                prev_hash=ev.prev_hash,
            )
            if recomputed != ev.hash:
                return ChainCheck(False, count, ev.seq, "条目内容与哈希不符（条目被修改）")
            prev = ev.hash
            expected_seq += 1
            count += 1
            last_seq = ev.seq
        session.expunge_all()


@dataclass(frozen=True)
class AuditEntry:
    """One entry for :func:`append_many`."""

    actor: str
    action: str
    object_type: str
    object_id: str | None
    detail: dict[str, Any]


_TABLE = cast(Table, AuditEvent.__table__)
_LAST = select(_TABLE.c.seq, _TABLE.c.hash).order_by(_TABLE.c.seq.desc()).limit(1)
_LAST_PREPARED = Prepared(_LAST)
_APPEND = PreparedInsert(
    _TABLE,
    ("seq", "occurred_at", "actor", "action", "object_type", "object_id", "detail", "prev_hash", "hash"),
)


def append_many(session: Session | Connection, entries: list[AuditEntry]) -> None:
    """Append several entries chained in order with one insert (group commit of hot paths)."""
    if not entries:
        return
    conn = connection_of(session)
    lock_head(conn)
    found = _LAST_PREPARED.all(conn, {})
    seq, prev = (found[0][0] + 1, found[0][1]) if found else (1, GENESIS)
    rows: list[tuple[Any, ...]] = []
    for e in entries:
        at = utcnow()
        digest = entry_hash(
            seq=seq,
            occurred_at=at,
            actor=e.actor,
            action=e.action,
            object_type=e.object_type,
            object_id=e.object_id,
            detail=e.detail,
            prev_hash=prev,
        )
        rows.append((seq, at, e.actor, e.action, e.object_type, e.object_id, e.detail, prev, digest))
        seq, prev = seq + 1, digest
    _APPEND.many(conn, rows)
