"""Load the subject register (市场主体登记 and population register extract) from a CSV file."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy.orm import Session

from xinyong.kit.crypto import KeyRing
from xinyong.subjects.models import SubjectKind
from xinyong.subjects.service import SubjectInput, build_subject

REGISTER_COLUMNS = (
    "kind",
    "name",
    "uscc",
    "id_card",
    "region_code",
    "industry",
    "legal_rep",
    "established_on",
    "status",
)


def read_register(path: Path) -> Iterator[SubjectInput]:
    """Yield subject inputs from a register CSV with ``REGISTER_COLUMNS``."""
    with path.open(encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            yield SubjectInput(
                name=row["name"],
                kind=SubjectKind(row["kind"]),
                uscc=row.get("uscc") or None,
                id_card=row.get("id_card") or None,
                region_code=row.get("region_code") or None,
                industry=row.get("industry") or None,
                legal_rep=row.get("legal_rep") or None,
                established_on=dt.date.fromisoformat(row["established_on"])
                if row.get("established_on")
                else None,
                status=row.get("status") or "存续",
            )


def load_register(session: Session, keys: KeyRing, path: Path, *, chunk: int = 5000) -> int:
    """Insert every subject of a register file; the caller commits. Return the count."""
    count = 0
    pending = []
    for data in read_register(path):
        pending.append(build_subject(keys, data))
        if len(pending) >= chunk:
            session.add_all(pending)
            session.flush()
            count += len(pending)
            pending.clear()
            session.expunge_all()
    session.add_all(pending)
    session.flush()
    return count + len(pending)
