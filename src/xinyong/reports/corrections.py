"""Corrections reach the holders of issued reports: a record repaired, corrected or deleted after a report
was issued marks the report as corrected, and its recipient gets a correction notice through the outbox.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from xinyong.audit import service as audit
from xinyong.outbox import changes as effects
from xinyong.outbox import service as outbox
from xinyong.policy.loader import Policy
from xinyong.records.models import CreditRecord
from xinyong.reports.models import (
    PUBLIC_RECIPIENT,
    CreditReport,
    CreditReportEvent,
    CreditReportItem,
    ReportEventKind,
)


def events(session: Session, report_id: int) -> list[CreditReportEvent]:
    """Return a report's events, oldest first."""
    return list(
        session.scalars(
            select(CreditReportEvent)
            .where(CreditReportEvent.report_id == report_id)
            .order_by(CreditReportEvent.at, CreditReportEvent.id)
        )
    )


def notify_after_change(
    session: Session, change: Any, *, policy: Policy, now: dt.datetime, only_this_version: bool = False
) -> None:
    """Record-change hook: mark every report holding the record as corrected and tell its recipient.

    Registered in ``xinyong.wiring.RECORD_CHANGE_HOOKS``: a repair, an objection's correction or a
    deletion reaches every party that received a report with that record (a correction notice through
    the outbox), and the verify page then says the report is superseded.
    """
    holding = (
        CreditReportItem.record_id == change.record_id
        if only_this_version
        else CreditReportItem.record_key == change.record_key
    )
    rows = session.scalars(
        select(CreditReport)
        .where(CreditReport.id.in_(select(CreditReportItem.report_id).where(holding)))
        .order_by(CreditReport.id)
    ).all()
    base = f"{change.source_type}:{change.source_id}:{'+'.join(change.kinds)}"
    for row in rows:
        key = f"report:{row.number}:{base}:{change.record_key}"
        if any(e.detail.get("key") == key for e in events(session, row.id)):
            continue
        session.add(
            CreditReportEvent(
                report_id=row.id,
                kind=ReportEventKind.CORRECTED,
                at=now,
                actor=change.actor,
                reason=(change.reason or "")[:500] or None,
                detail={"key": key, "record_key": change.record_key, "changes": list(change.kinds)},
            )
        )
        session.flush()
        audit.append(
            session,
            actor=change.actor,
            action="report.corrected",
            object_type="credit_report",
            object_id=row.id,
            detail={"number": row.number, "record_key": change.record_key, "changes": list(change.kinds)},
        )
        if row.recipient == PUBLIC_RECIPIENT:
            continue
        _notify_recipient(session, row, change, key, now=now)


def _notify_recipient(
    session: Session, row: CreditReport, change: Any, key: str, *, now: dt.datetime
) -> None:
    """Send the report's recipient a correction notice through the outbox (once per change: ``key``)."""
    outbox.enqueue(
        session,
        recipient=row.recipient,
        topic="report.correction",
        idempotency_key=key,
        payload={
            "number": row.number,
            "record_id": change.record_id,
            "new_record_id": change.new_record_id,
            "record_key": change.record_key,
            "changes": list(change.kinds),
            "effective_on": change.effective_on.isoformat(),
            "reason": change.reason,
            "message": f"您收到的信用报告 {row.number} 所载的一条信息已被更正、修复或删除，请重新申请报告。",
        },
        now=now,
    )


def notify_new_versions(session: Session, policy: Policy, *, now: dt.datetime, actor: str) -> int:
    """Tell report recipients about records a department has since corrected (a new version by ingest).

    Repairs and objections reach ``notify_after_change`` at once through the record-change hooks;
    a department's corrected resubmission arrives in bulk through ingest, so this finds those after the
    fact (run after ingest batches, ``xinyong report corrections``). Idempotent.
    """
    newer = aliased(CreditRecord)
    rows = session.execute(
        select(CreditReportItem.record_id, CreditReportItem.record_key, newer.id, newer.subject_id)
        .join(newer, newer.supersedes_id == CreditReportItem.record_id)
        .distinct()
        .order_by(newer.id)
    ).all()
    for old_id, key, new_id, subject_id in rows:
        notify_after_change(
            session,
            effects.RecordChange(
                record_id=old_id,
                record_key=key,
                subject_id=subject_id,
                kinds=("new_version",),
                effective_on=now.date(),
                source_type="record_version",
                source_id=new_id,
                reason="信息提供单位报送了更正后的新版本",
                actor=actor,
                new_record_id=new_id,
            ),
            policy=policy,
            now=now,
            only_this_version=True,  # reports issued after the correction hold the new version
        )
    return len(rows)
