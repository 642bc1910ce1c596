"""Audit use cases: append an entry in the caller's transaction, verify the chain.

Entries are chained with HMAC-SHA256 under the key of ``audit.keys`` (its id stored on each entry).
Entries written before the chain was keyed keep their plain SHA-256 (``key_id`` NULL); the first keyed
entry after them, and after any change of key, is an ``audit.epoch`` marker naming the head it continues
from, so history is never rewritten. Signed checkpoints outside the database (``audit.anchors``) pin the
head, so deleting the last entries or rewriting the chain is detected even by someone holding the key.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import Connection, Table, select
from sqlalchemy.orm import Session

from xinyong.audit.chain import GENESIS, entry_hash
from xinyong.audit.keys import AuditKeys, keys_for
from xinyong.audit.keys import audit_keys as audit_keys  # re-exported: the chain's keys from the settings
from xinyong.audit.models import AuditEvent
from xinyong.db import begin_writing, utcnow
from xinyong.db_prepared import Prepared, PreparedInsert, connection_of

# The key of the PostgreSQL advisory lock that serialises appends to the chain (any constant; "XYAUDIT").
HEAD_LOCK_KEY = 0x5859_4155_4449_54
EPOCH_ACTION = "audit.epoch"


def lock_head(conn: Connection) -> None:
    """Serialise appends to the chain head until the transaction ends.

    PostgreSQL: a transaction-scoped advisory lock, so two transactions never read the same head and
    collide on ``seq``. SQLite: writers already hold the database's write lock from ``BEGIN IMMEDIATE``
    (``db.writer_session``), so nothing more is needed there.
    """
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({HEAD_LOCK_KEY})")


@dataclass(frozen=True)
class AuditEntry:
    """One entry for :func:`append_many`."""

    actor: str
    action: str
    object_type: str
    object_id: str | None
    detail: dict[str, Any]


_TABLE = cast(Table, AuditEvent.__table__)
_LAST = select(_TABLE.c.seq, _TABLE.c.hash, _TABLE.c.key_id).order_by(_TABLE.c.seq.desc()).limit(1)
_LAST_PREPARED = Prepared(_LAST)
_COLUMNS = (
    "seq",
    "occurred_at",
    "actor",
    "action",
    "object_type",
    "object_id",
    "detail",
    "prev_hash",
    "hash",
    "key_id",
)
_APPEND = PreparedInsert(_TABLE, _COLUMNS)


def _rows(conn: Connection, keys: AuditKeys, entries: list[AuditEntry]) -> list[tuple[Any, ...]]:
    """Lock the head, read it, and return the chained rows (an epoch marker first when the key changed)."""
    lock_head(conn)
    found = _LAST_PREPARED.all(conn, {})
    seq, prev, last_key = (found[0][0] + 1, found[0][1], found[0][2]) if found else (1, GENESIS, None)
    kid = keys.key_id
    if found and last_key != kid:
        marker = AuditEntry(
            "system:audit",
            EPOCH_ACTION,
            "audit_chain",
            kid,
            {"from_key": last_key, "to_key": kid, "head_seq": seq - 1, "head_hash": prev},
        )
        entries = [marker, *entries]
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
            key=keys.mac_key,
            key_id=kid,
        )
        rows.append((seq, at, e.actor, e.action, e.object_type, e.object_id, e.detail, prev, digest, kid))
        seq, prev = seq + 1, digest
    return rows


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
    oid = None if object_id is None else str(object_id)
    begin_writing(session)  # a signed-in read's session takes the write lock before it reads the head
    rows = _rows(
        session.connection(), keys_for(session), [AuditEntry(actor, action, object_type, oid, detail or {})]
    )
    event = None
    for row in rows:
        event = AuditEvent(**dict(zip(_COLUMNS, row, strict=True)))
        session.add(event)
    session.flush()
    assert event is not None  # noqa: S101 - one row at least: the entry itself
    return event


def append_many(session: Session | Connection, entries: list[AuditEntry]) -> None:
    """Append several entries chained in order with one insert (group commit of hot paths)."""
    if not entries:
        return
    if isinstance(session, Session):
        begin_writing(session)
    conn = connection_of(session)
    _APPEND.many(conn, _rows(conn, keys_for(conn), entries))


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the audit log, where it is, in Chinese."""

    seq: int | None
    kind: str
    message: str


@dataclass(frozen=True)
class ChainCheck:
    """Result of verifying the audit chain (and its checkpoints, when given)."""

    ok: bool
    entries: int
    first_bad_seq: int | None = None
    reason: str | None = None
    problems: list[Problem] = field(default_factory=list)
    head_seq: int = 0
    head_hash: str = GENESIS
    epochs: dict[str, int] = field(default_factory=dict)


def verify(session: Session, *, batch: int = 5000, keys: AuditKeys | None = None) -> ChainCheck:
    """Walk the chain in order; report the first edited, deleted, reordered or forged entry.

    An entry under another key than the configured one, a keyed entry chained without its epoch marker,
    or an unkeyed entry after the chain was keyed (a downgrade to recomputable hashes) is reported too.
    """
    keys = keys or keys_for(session)
    kid = keys.key_id
    prev = GENESIS
    prev_key: str | None = None
    keyed_seen = False
    expected_seq = 1
    count = 0
    last_seq = 0
    epochs: dict[str, int] = {}

    def bad(seq: int, kind: str, message: str) -> ChainCheck:
        problem = Problem(seq, kind, message)
        return ChainCheck(False, count, seq, message, [problem], last_seq, prev, epochs)

    while True:
        rows = session.scalars(
            select(AuditEvent).where(AuditEvent.seq > last_seq).order_by(AuditEvent.seq).limit(batch)
        ).all()
        if not rows:
            return ChainCheck(True, count, head_seq=last_seq, head_hash=prev, epochs=epochs)
        for ev in rows:
            if ev.seq != expected_seq:
                return bad(ev.seq, "gap", f"序号不连续：应为 {expected_seq}，实际为 {ev.seq}（有条目被删除）")
            if ev.prev_hash != prev:
                return bad(ev.seq, "link", "前序哈希不匹配（条目被删除或重排）")
            if ev.key_id is None and keyed_seen:
                return bad(
                    ev.seq, "downgrade", "带密钥纪元之后出现无密钥条目（哈希可被任何人重算，疑似伪造）"
                )
            if ev.key_id is not None and ev.key_id != kid:
                return bad(ev.seq, "unknown_key", f"条目使用了未配置的审计密钥（密钥标识 {ev.key_id}）")
            if ev.key_id != prev_key and ev.seq > 1 and ev.action != EPOCH_ACTION:
                return bad(ev.seq, "epoch", "密钥纪元切换处缺少 audit.epoch 标记条目")
            recomputed = entry_hash(
                seq=ev.seq,
                occurred_at=ev.occurred_at,
                actor=ev.actor,
                action=ev.action,
                object_type=ev.object_type,
                object_id=ev.object_id,
                detail=ev.detail,
                prev_hash=ev.prev_hash,
                key=keys.mac_key if ev.key_id is not None else None,
                key_id=ev.key_id,
            )
            if recomputed != ev.hash:
                return bad(ev.seq, "content", "条目内容与哈希不符（条目被修改）")
            keyed_seen = keyed_seen or ev.key_id is not None
            epochs[ev.key_id or "unkeyed"] = epochs.get(ev.key_id or "unkeyed", 0) + 1
            prev, prev_key = ev.hash, ev.key_id
            expected_seq += 1
            count += 1
            last_seq = ev.seq
        session.expunge_all()


def hash_at(session: Session, seq: int) -> str | None:
    """Return the stored hash of entry ``seq`` (None when there is none)."""
    return session.scalar(select(AuditEvent.hash).where(AuditEvent.seq == seq))


def entries_of(session: Session, action: str) -> list[AuditEvent]:
    """Return the entries with ``action`` in order."""
    return list(
        session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.seq))
    )
