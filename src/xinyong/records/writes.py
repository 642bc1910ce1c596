"""The one writer of record versions: every caller (ingest, the 未关联 queue, objections, commitments)
hands ``RecordVersionIn`` rows here; a version is never updated in place.

One row goes through the ORM (``add_version``); a bulk batch (``add_versions``) goes through the driver's
``executemany`` over tuples, with no ORM objects in the hot path.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Sequence
from itertools import repeat
from typing import Any

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from xinyong.db import bulk_insert, dumps_json, placeholders
from xinyong.policy.schemas import CatalogItem
from xinyong.records.models import CreditRecord
from xinyong.records.schemas import RecordVersionIn

COLUMNS = (*RecordVersionIn._fields, "first_received_at", "last_received_at")
MAX_PARAMS = 30_000


def payload_hash(payload: dict[str, Any]) -> str:
    """Return the content hash of a payload written by a workflow (sorted keys, UTF-8 JSON)."""
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def first_version(
    key: str,
    *,
    item: CatalogItem,
    subject_id: int,
    department_id: int,
    document_no: str | None,
    decision_on: dt.date,
    severity: str | None,
    payload: dict[str, Any],
    policy_hash: str,
) -> RecordVersionIn:
    """Return version 1 of a record a workflow writes (registers, supervision): key hashed, payload hashed.

    ``key`` names the fact uniquely (item, department, document, subject …); it is hashed into the record key.
    """
    return RecordVersionIn(
        record_key=hashlib.sha256(key.encode()).hexdigest(),
        catalog_item=item.id,
        catalog_version=item.version,
        subject_id=subject_id,
        department_id=department_id,
        document_no=document_no,
        decision_on=decision_on,
        valid_from=decision_on,
        valid_to=None,
        severity=severity,
        polarity=item.polarity,
        payload=payload,
        content_hash=payload_hash(payload),
        policy_hash=policy_hash,
    )


def latest_version(session: Session, record_key: str) -> CreditRecord | None:
    """Return the newest stored version of a record, or ``None``."""
    return session.scalar(
        select(CreditRecord)
        .where(CreditRecord.record_key == record_key)
        .order_by(CreditRecord.version.desc())
        .limit(1)
    )


def add_version(
    session: Session, row: RecordVersionIn, *, received_at: dt.datetime | None = None
) -> CreditRecord:
    """Write one version of a record and return it (flushed)."""
    fields = row._asdict()
    if isinstance(row.payload, str):
        fields["payload"] = json.loads(row.payload)
    if row.supersedes_id is None and row.version > 1:
        fields["supersedes_id"] = _ids_of_versions(session.connection(), [(row.record_key, row.version - 1)])[
            (row.record_key, row.version - 1)
        ]
    if received_at is not None:
        fields["first_received_at"] = fields["last_received_at"] = received_at
    record = CreditRecord(**fields)
    session.add(record)
    session.flush()
    return record


def add_new_version(session: Session, row: RecordVersionIn) -> CreditRecord | None:
    """Write a workflow's new record unless its key is already stored (``None``: a duplicate, nothing written)."""
    if latest_version(session, row.record_key) is not None:
        return None
    return add_version(session, row)


def add_versions(session: Session, rows: Sequence[RecordVersionIn], *, received_at: dt.datetime) -> None:
    """Write many versions received together; a version whose predecessor is among them waits for its id."""
    conn = session.connection()
    ready = [r for r in rows if r.supersedes_id is not None or r.version == 1]
    pending = [r for r in rows if r.supersedes_id is None and r.version > 1]
    bulk_insert(conn, "credit_record", COLUMNS, _params(conn, ready, received_at))
    while pending:
        ids = _ids_of_versions(conn, [(r.record_key, r.version - 1) for r in pending])
        found = [r for r in pending if (r.record_key, r.version - 1) in ids]
        if not found:  # pragma: no cover - an invariant
            raise AssertionError("a record version lost its predecessor")
        pending = [r for r in pending if (r.record_key, r.version - 1) not in ids]
        ready = [r._replace(supersedes_id=ids[r.record_key, r.version - 1]) for r in found]
        bulk_insert(conn, "credit_record", COLUMNS, _params(conn, ready, received_at))


def latest_versions(session: Session, keys: Iterable[str]) -> dict[str, tuple[int, int, str]]:
    """Return record key → (id, version, content hash) of the newest version stored."""
    conn = session.connection()
    out: dict[str, tuple[int, int, str]] = {}
    for part in _chunks(sorted(set(keys))):
        sql = (
            "SELECT record_key, id, version, content_hash FROM credit_record"  # noqa: S608 - placeholders only
            f" WHERE record_key IN ({placeholders(conn, len(part))}) ORDER BY version"
        )
        cursor = conn.connection.cursor()  # the driver's cursor: no per-row result processing
        try:
            cursor.execute(sql, tuple(part))
            for key, rid, version, chash in cursor.fetchall():
                out[key] = (rid, version, chash)
        finally:
            cursor.close()
    return out


def _ids_of_versions(conn: Connection, pairs: Iterable[tuple[str, int]]) -> dict[tuple[str, int], int]:
    wanted = set(pairs)
    out: dict[tuple[str, int], int] = {}
    for part in _chunks(sorted({k for k, _ in wanted})):
        rows = conn.execute(
            select(CreditRecord.record_key, CreditRecord.version, CreditRecord.id).where(
                CreditRecord.record_key.in_(part)
            )
        )
        for key, version, rid in rows:
            if (key, version) in wanted:
                out[(key, version)] = rid
    return out


def _params(conn: Connection, rows: list[RecordVersionIn], at: dt.datetime) -> list[tuple[Any, ...]]:
    """Return the rows as the driver's parameters, converted column by column (SQLite: ISO text dates)."""
    if not rows:
        return []
    cols: list[Sequence[Any]] = list(zip(*rows, strict=True))
    payload = RecordVersionIn._fields.index("payload")
    cols[payload] = [p if isinstance(p, str) else dumps_json(p) for p in cols[payload]]
    stamp: Any = at
    if conn.dialect.name == "sqlite":
        for name in ("decision_on", "valid_from", "valid_to"):
            i = RecordVersionIn._fields.index(name)
            text = {d: d.isoformat() for d in set(cols[i]) if d is not None}  # few distinct days
            cols[i] = [text.get(d) for d in cols[i]]
        stamp = at.astimezone(dt.UTC).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")  # as UTCDateTime
    return list(zip(*cols, repeat(stamp), repeat(stamp)))


def _chunks(values: list[str], size: int = MAX_PARAMS) -> Iterable[list[str]]:
    for i in range(0, len(values), size):
        yield values[i : i + size]
