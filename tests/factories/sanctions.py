"""Factories for credit records, record events and API keys used by the check tests."""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
from typing import Any

from sqlalchemy.orm import Session

from tests.factories.subjects import department as department
from xinyong.auth import service as auth_service
from xinyong.auth.principal import Role
from xinyong.records.models import CreditRecord, RecordEvent
from xinyong.subjects.models import Subject

_seq = itertools.count(1)


def record(
    session: Session,
    subject: Subject,
    item: str = "xzcf",
    *,
    severity: str | None = "一般",
    decided: dt.date = dt.date(2026, 3, 1),
    polarity: str = "negative",
    payload: dict[str, Any] | None = None,
    dept: str = "TZ-SCJG",
    supersedes: CreditRecord | None = None,
) -> CreditRecord:
    """Create a credit record for ``subject``."""
    n = next(_seq)
    body = {"ZTMC": subject.name, **(payload or {})}
    row = CreditRecord(
        record_key=supersedes.record_key if supersedes else hashlib.sha256(f"k{n}".encode()).hexdigest(),
        catalog_item=item,
        catalog_version="2024.1",
        subject_id=subject.id,
        department_id=department(session, dept).id,
        document_no=f"台市监罚〔2026〕{n}号",
        decision_on=decided,
        severity=severity,
        polarity=polarity,
        payload=body,
        content_hash=hashlib.sha256(str(body).encode()).hexdigest(),
        version=(supersedes.version + 1) if supersedes else 1,
        supersedes_id=supersedes.id if supersedes else None,
    )
    session.add(row)
    session.flush()
    return row


def listed(
    session: Session,
    subject: Subject,
    item: str = "yzsxmd",
    *,
    decided: dt.date = dt.date(2025, 6, 1),
    ends: dt.date | None = None,
) -> CreditRecord:
    """Put ``subject`` on a list (optionally with its end date)."""
    end_field = {"yzsxmd": "MD_YCRQ", "sxbzxr": "SX_PBRQ", "jyycml": "YC_YCRQ"}[item]
    payload: dict[str, Any] = {"MD_LX": "严重违法失信名单"} if item == "yzsxmd" else {}
    if ends is not None:
        payload[end_field] = ends.isoformat()
    return record(session, subject, item, severity="严重", decided=decided, payload=payload)


def event(session: Session, rec: CreditRecord, kind: str, on: dt.date) -> RecordEvent:
    """Append a status event to a record."""
    row = RecordEvent(record_id=rec.id, kind=kind, effective_on=on, actor="test")
    session.add(row)
    session.flush()
    return row


def api_key(
    session: Session, role: Role = Role.OFFICER, dept: str | None = "TZ-SCJG"
) -> tuple[str, int | None]:
    """Create an API key; return the clear key and the department id."""
    dept_id = department(session, dept).id if dept else None
    _, key = auth_service.create_api_key(
        session, actor="test", name=f"key{next(_seq)}", role=role, department_id=dept_id
    )
    return key, dept_id
