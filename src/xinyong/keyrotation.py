"""Re-encrypt personal data under the current data key and algorithm (``xinyong keys rotate``).

The encrypted columns are found, not listed: every binary column named ``*_enc`` in the schema. Each
column is walked in id order in batches (``batch_size`` rows that are not yet under the current key); a
batch is re-encrypted, written and committed with its ``keys.rotate`` audit entry, so an interrupted
rotation keeps every batch it finished and a re-run picks up what is left (rows already under the current
key are skipped by their header, in SQL). The server keeps serving meanwhile: its key ring holds the new
key and the previous ones (``XINYONG_DATA_KEYS_PREVIOUS``), so it reads either; each batch is one short
write transaction, and a row changed since it was read is left for the next run (compare-and-swap).
Blind indexes have their own key and are not touched: search works throughout.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any

from cryptography.exceptions import InvalidTag
from sqlalchemy import Column, LargeBinary, Table, and_, bindparam, func, select, update
from sqlalchemy.orm import Session

import xinyong.models  # noqa: F401 - every table, so the scan below sees every encrypted column
from xinyong.audit import service as audit
from xinyong.db import Base
from xinyong.kit.crypto import HEADER, KeyRing

ACTION = "keys.rotate"
BATCH_SIZE = 1000


@dataclass
class RotationReport:
    """What a rotation did, per ``table.column``: values re-encrypted, and values it could not read."""

    key_id: str
    algorithm: str
    rotated: dict[str, int] = field(default_factory=dict)
    unreadable: dict[str, list[int]] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.rotated.values())


def encrypted_columns() -> list[tuple[Table, Column[Any]]]:
    """Return every encrypted column of the schema (binary, named ``*_enc``), in a stable order."""
    found = []
    for table in Base.metadata.sorted_tables:
        for col in table.columns:
            if col.name.endswith("_enc") and isinstance(col.type, LargeBinary):
                found.append((table, col))
    return found


def _stale_batch(
    session: Session, table: Table, col: Column[Any], keys: KeyRing, after: int, size: int
) -> list[tuple[int, bytes]]:
    pk = next(iter(table.primary_key.columns))
    header = keys.encrypt("")[:HEADER]  # the header every current value starts with
    rows = session.execute(
        select(pk, col)
        .where(pk > after, col.is_not(None), func.substr(col, 1, HEADER) != header)
        .order_by(pk)
        .limit(size)
    ).all()
    return [(int(r[0]), bytes(r[1])) for r in rows]


def _rotate_column(
    sessions: Callable[[], AbstractContextManager[Session]],
    keys: KeyRing,
    table: Table,
    col: Column[Any],
    report: RotationReport,
    *,
    size: int,
    actor: str,
    progress: Callable[[str], None],
) -> None:
    name = f"{table.name}.{col.name}"
    pk = next(iter(table.primary_key.columns))
    swap = (
        update(table)
        .where(and_(pk == bindparam("row_id"), col == bindparam("old")))
        .values({col.name: bindparam("new")})
    )
    after = 0
    while True:
        with (
            sessions() as session
        ):  # one batch, one transaction: committed with its audit entry, or not at all
            rows = _stale_batch(session, table, col, keys, after, size)
            if not rows:
                return
            after = rows[-1][0]
            changes = []
            for row_id, blob in rows:
                try:
                    changes.append({"row_id": row_id, "old": blob, "new": keys.encrypt(keys.decrypt(blob))})
                except (ValueError, InvalidTag):  # an unknown key id, or a value that does not authenticate
                    report.unreadable.setdefault(name, []).append(row_id)
            if changes:
                session.connection().execute(swap, changes)
            audit.append(
                session,
                actor=actor,
                action=ACTION,
                object_type=table.name,
                detail={"column": col.name, "rows": len(changes), "first_id": rows[0][0], "last_id": after,
                        "key_id": report.key_id, "algorithm": report.algorithm},
            )  # fmt: skip
        report.rotated[name] = report.rotated.get(name, 0) + len(changes)
        progress(f"{name}：已重新加密 {report.rotated[name]} 条（至 id {after}）")


def rotate(
    sessions: Callable[[], AbstractContextManager[Session]],
    keys: KeyRing,
    *,
    batch_size: int = BATCH_SIZE,
    actor: str = "cli:keys",
    progress: Callable[[str], None] = lambda _line: None,
) -> RotationReport:
    """Re-encrypt every value not under ``keys``' current key and algorithm; each batch commits with its
    audit entry (``sessions()`` yields a session that commits when its block ends, e.g. ``db.session_scope``)."""
    if batch_size < 1:
        raise ValueError("batch_size must be positive")
    report = RotationReport(key_id=keys.key_id.hex(), algorithm=keys.algorithm)
    for table, col in encrypted_columns():
        _rotate_column(sessions, keys, table, col, report, size=batch_size, actor=actor, progress=progress)
    return report


def key_census(session: Session, keys: KeyRing) -> dict[str, dict[str, int]]:
    """Count the values of each encrypted column by ``algorithm:key id`` (``legacy`` for the first format)."""
    out: dict[str, dict[str, int]] = {}
    for table, col in encrypted_columns():
        counts: dict[str, int] = {}
        for (head,) in session.execute(select(func.substr(col, 1, HEADER)).where(col.is_not(None))):
            algorithm, kid = keys.describe(bytes(head) + b"\0" * 12)
            label = "legacy" if kid is None else f"{algorithm}:{kid.hex()}"
            counts[label] = counts.get(label, 0) + 1
        out[f"{table.name}.{col.name}"] = counts
    return out
