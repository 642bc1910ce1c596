"""Factories for credit records and their status events."""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
from typing import Any

from sqlalchemy.orm import Session

from xinyong.departments.models import Department
from xinyong.policy.loader import Policy
from xinyong.records.models import CreditRecord, RecordEvent
from xinyong.subjects.models import Subject

_seq = itertools.count(1)


def record(
    session: Session,
    policy: Policy,
    subject: Subject,
    department: Department,
    *,
    item: str = "xzcf",
    decision_on: dt.date = dt.date(2026, 6, 1),
    severity: str | None = "一般",
    payload: dict[str, Any] | None = None,
    document_no: str | None = None,
    valid_to: dt.date | None = None,
    supersedes: CreditRecord | None = None,
    received_at: dt.datetime | None = None,
) -> CreditRecord:
    """Create a credit record (payload keyed by catalog field names, dates as ISO text)."""
    cat = policy.catalog[item]
    doc = document_no or (supersedes.document_no if supersedes else f"台测〔2026〕{next(_seq)}号")
    body: dict[str, Any] = {cat.roles["subject_name"]: subject.name, cat.roles["document_no"]: doc}
    body[cat.roles["decision_on"]] = decision_on.isoformat()
    if item == "xzcf":
        body.update(
            {"CF_CFLB": ["罚款"], "CF_NR_FK": 5.0, "CF_WFXW": "未按规定公示年度报告", "CF_NR": "罚款五万元"}
        )
    body.update(payload or {})
    key = supersedes.record_key if supersedes else f"{item}:{department.code}:{doc}:{subject.id}"
    row = CreditRecord(
        record_key=key,
        catalog_item=item,
        catalog_version=cat.version,
        subject_id=subject.id,
        department_id=department.id,
        document_no=doc,
        decision_on=decision_on,
        valid_to=valid_to,
        severity=severity,
        polarity=cat.polarity,
        payload=body,
        content_hash=hashlib.sha256(
            json.dumps(body, sort_keys=True, ensure_ascii=False).encode()
        ).hexdigest(),
        version=(supersedes.version + 1) if supersedes else 1,
        supersedes_id=supersedes.id if supersedes else None,
        policy_hash=policy.hash,
    )
    if received_at is not None:  # transaction time (``records.asof``); default: now
        row.first_received_at = row.last_received_at = received_at
    session.add(row)
    session.flush()
    return row


def event(
    session: Session,
    rec: CreditRecord,
    kind: str,
    on: dt.date,
    reason: str | None = None,
    recorded_at: dt.datetime | None = None,
) -> RecordEvent:
    """Append a status event to a record (``recorded_at``: its transaction time, default now)."""
    ev = RecordEvent(
        record_id=rec.id, kind=kind, effective_on=on, reason=reason, actor="test:factory", detail={}
    )
    if recorded_at is not None:
        ev.created_at = recorded_at
    session.add(ev)
    session.flush()
    return ev
