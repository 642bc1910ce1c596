"""Factories for credit records, record events and callers used by the repair and objection tests."""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.auth import service as auth_service
from xinyong.auth.principal import Principal, Role
from xinyong.departments.models import Department
from xinyong.records.models import CreditRecord, RecordEvent

_seq = itertools.count(1)


def department(session: Session, code: str, domain: str, name: str | None = None) -> Department:
    """Return a department with a given domain, creating it if needed."""
    dept = session.scalar(select(Department).where(Department.code == code))
    if dept is None:
        dept = Department(code=code, name=name or f"测试{code}", region_code="331000", domain=domain)
        session.add(dept)
        session.flush()
    return dept


def record(
    session: Session,
    *,
    subject_id: int,
    department_id: int,
    catalog_item: str = "xzcf",
    decision_on: dt.date = dt.date(2026, 3, 10),
    payload: dict[str, Any] | None = None,
    severity: str | None = None,
    polarity: str = "negative",
    batch_id: int | None = None,
    valid_to: dt.date | None = None,
) -> CreditRecord:
    """Create a credit record (a penalty by default: a 5 万元 fine for 虚假宣传)."""
    n = next(_seq)
    if payload is None and catalog_item == "xzcf":
        payload = {
            "CF_WSH": f"台市监罚〔2026〕{n}号",
            "CF_WFXW": "虚假宣传",
            "CF_CFLB": ["罚款"],
            "CF_NR_FK": 5,
            "CF_JDRQ": decision_on.isoformat(),
        }
    elif payload is None:
        payload = {
            "MD_LRWH": f"列入〔2026〕{n}号",
            "MD_LX": "严重违法失信名单",
            "MD_LRRQ": decision_on.isoformat(),
        }
    row = CreditRecord(
        record_key=f"test-{n}-{catalog_item}",
        catalog_item=catalog_item,
        catalog_version="2024.1",
        subject_id=subject_id,
        department_id=department_id,
        document_no=payload.get("CF_WSH") or payload.get("MD_LRWH"),
        decision_on=decision_on,
        valid_to=valid_to,
        severity=severity,
        polarity=polarity,
        payload=payload,
        content_hash=hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest(),
        batch_id=batch_id,
        first_received_at=dt.datetime.combine(decision_on, dt.time(2), tzinfo=dt.UTC),
        last_received_at=dt.datetime.combine(decision_on, dt.time(2), tzinfo=dt.UTC),
    )
    session.add(row)
    session.flush()
    return row


def event(session: Session, record_id: int, kind: str, on: dt.date) -> RecordEvent:
    """Append a status event."""
    ev = RecordEvent(record_id=record_id, kind=kind, effective_on=on, actor="test", detail={})
    session.add(ev)
    session.flush()
    return ev


def api_key(session: Session, role: Role, **scope: Any) -> tuple[Principal, dict[str, str]]:
    """Create an API key; return its principal and the Authorization header."""
    _row, key = auth_service.create_api_key(
        session, actor="test", name=f"{role.value}-{next(_seq)}", role=role, **scope
    )
    principal = auth_service.principal_for_key(session, key)
    assert principal is not None
    return principal, {"Authorization": f"Bearer {key}"}
