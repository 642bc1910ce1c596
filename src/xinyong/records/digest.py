"""Digests of the record versions an ingest batch stored, for the audit chain to cover them.

The batch's audit entry (``ingest.batch``) carries the number of record versions it stored and the
SHA-256 of their identifying columns in id order; ``xinyong audit verify`` recomputes it, so an edit to
``credit_record`` behind the application's back (the payload, the subject, the content hash) or a
deleted row is found and named by batch. Rows the retention purge deleted lawfully are accounted for
by their line hashes, kept in the purge's own audit entry (a tombstone).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.records.models import CreditRecord

COLUMNS = (
    CreditRecord.id,
    CreditRecord.record_key,
    CreditRecord.version,
    CreditRecord.content_hash,
    CreditRecord.subject_id,
    CreditRecord.supersedes_id,
    CreditRecord.catalog_item,
    CreditRecord.decision_on,
)


def row_line(row: Iterable[object]) -> str:
    """Return the canonical line of one record version (its identifying columns)."""
    return "|".join("" if v is None else str(v) for v in row)


def line_hash(line: str) -> str:
    """Return the SHA-256 of one record line (what a tombstone keeps)."""
    return hashlib.sha256(line.encode()).hexdigest()


def batch_lines(session: Session, batch_id: int) -> dict[int, str]:
    """Return id → line hash of the record versions stored by ``batch_id``."""
    rows = session.execute(
        select(*COLUMNS).where(CreditRecord.batch_id == batch_id).order_by(CreditRecord.id)
    )
    return {int(r[0]): line_hash(row_line(r)) for r in rows}


def digest_of(lines: dict[int, str]) -> str:
    """Return the digest of a batch from id → line hash."""
    h = hashlib.sha256()
    for rid in sorted(lines):
        h.update(f"{rid}:{lines[rid]}\n".encode())
    return h.hexdigest()


def batch_digest(session: Session, batch_id: int) -> tuple[int, str]:
    """Return the number of record versions of a batch and their digest."""
    lines = batch_lines(session, batch_id)
    return len(lines), digest_of(lines)
