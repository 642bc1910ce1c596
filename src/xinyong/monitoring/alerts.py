"""An alert's lifecycle in a run: open, update, reopen within the dedup window, end when the condition
clears (derived from the findings, never flipped by a job); every step is an alert event, openings and
reopenings go to the told departments through the outbox."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.db import utcnow
from xinyong.departments.models import Department
from xinyong.monitoring.engine import Finding
from xinyong.monitoring.models import Alert, AlertEvent, AlertRecipient, MonitorRun
from xinyong.monitoring.signals import (
    Signal,
)
from xinyong.outbox import service as outbox
from xinyong.subjects.models import Subject

# An alert's statuses (预警处置): pending, then verified and handled, or a false alarm.
PENDING = "待核实"
VERIFIED = "已核实"
HANDLED = "已处置"
FALSE_ALARM = "误报"
CREDIT_DOMAIN = "credit"


@dataclass
class Tally:
    """What a run did."""

    subjects: int = 0
    opened: int = 0
    updated: int = 0
    ended: int = 0


def active_on(alert: Alert, on: dt.date) -> bool:
    """Tell whether an alert is active on ``on`` (derived from its dates, never a flag)."""
    return (
        alert.opened_on <= on
        and (alert.ended_on is None or on < alert.ended_on)
        and (alert.holds_until is None or on <= alert.holds_until)
    )


class Recipients:
    """Departments told of an alert: the evidence's sources, the county's credit department, the centre."""

    def __init__(self, session: Session, city_region: str) -> None:
        rows = session.execute(
            select(Department.id, Department.code, Department.region_code, Department.domain)
        )
        self.by_code: dict[str, int] = {}
        self.county_credit: dict[str, set[int]] = {}
        self.centre: set[int] = set()
        for dept_id, code, region, domain in rows:
            self.by_code[code] = dept_id
            if domain == CREDIT_DOMAIN:
                self.county_credit.setdefault(region, set()).add(dept_id)
                if region == city_region:
                    self.centre.add(dept_id)

    def of(self, signal: Signal, finding: Finding, subject: Subject) -> set[int]:
        out: set[int] = {self.by_code[c] for c in signal.departments if c in self.by_code}
        if "source" in signal.notify:
            out |= {self.by_code[c] for c in finding.source_departments if c in self.by_code}
        if "jurisdiction" in signal.notify:
            out |= self.county_credit.get(subject.region_code or "", set()) or self.centre
        if "credit_centre" in signal.notify:
            out |= self.centre
        return out


def latest_alerts(session: Session, subject_ids: Sequence[int]) -> dict[int, dict[str, Alert]]:
    """Return each subject's latest alert per signal."""
    out: dict[int, dict[str, Alert]] = defaultdict(dict)
    for alert in session.scalars(select(Alert).where(Alert.subject_id.in_(subject_ids)).order_by(Alert.id)):
        out[alert.subject_id][alert.signal_id] = alert
    return out


def record_event(
    session: Session,
    alert: Alert,
    kind: str,
    on: dt.date,
    run: MonitorRun | None,
    actor: str,
    **detail: object,
) -> None:
    session.add(
        AlertEvent(
            alert_id=alert.id,
            kind=kind,
            on=on,
            run_id=run.id if run else None,
            detail=dict(detail),
            actor=actor,
        )
    )


def reconcile(
    session: Session,
    run: MonitorRun,
    subject: Subject,
    existing: dict[str, Alert],
    findings: list[Finding],
    signals: dict[str, Signal],
    recipients: Recipients,
    tally: Tally,
) -> None:
    on = run.on
    held = {f.signal_id: f for f in findings}
    for signal_id, finding in held.items():
        signal = signals[signal_id]
        alert = existing.get(signal_id)
        if alert is not None and active_on(alert, on):
            if list(finding.evidence) != alert.evidence or finding.holds_until != alert.holds_until:
                alert.evidence, alert.holds_until, alert.summary = (
                    list(finding.evidence),
                    finding.holds_until,
                    finding.summary,
                )
                record_event(session, alert, "updated", on, run, run.actor, evidence=list(finding.evidence))
                tally.updated += 1
            alert.last_seen_on, alert.last_run_id = on, run.id
        elif (
            alert is not None
            and on <= alert.opened_on + dt.timedelta(days=signal.dedup_days)
            and (set(finding.evidence) - set(alert.evidence))
        ):
            alert.ended_on, alert.holds_until = None, finding.holds_until
            alert.evidence, alert.summary, alert.status = list(finding.evidence), finding.summary, PENDING
            alert.reopened += 1
            alert.last_seen_on, alert.last_run_id = on, run.id
            record_event(session, alert, "reopened", on, run, run.actor, evidence=list(finding.evidence))
            _notify(session, alert, "reopened", signal)
            tally.opened += 1
        elif alert is None or not (set(finding.evidence) <= set(alert.evidence)):
            _open(session, run, subject, signal, finding, recipients.of(signal, finding, subject))
            tally.opened += 1
    for signal_id, alert in existing.items():
        if signal_id not in held and active_on(alert, on):
            alert.ended_on = on
            alert.last_run_id = run.id
            record_event(session, alert, "ended", on, run, run.actor)
            tally.ended += 1


def _notify(
    session: Session, alert: Alert, event_kind: str, signal: Signal, departments: Iterable[int] | None = None
) -> None:
    """Queue the alert to every department told of it (outbox: inbox or signed webhook), once per step."""
    if departments is None:
        departments = session.scalars(
            select(AlertRecipient.department_id).where(AlertRecipient.alert_id == alert.id)
        )
    now = utcnow()
    for dept_id in departments:
        recipient = f"department:{dept_id}"
        outbox.enqueue(
            session,
            recipient=recipient,
            topic="alert." + event_kind,
            idempotency_key=f"alert:{alert.id}:{event_kind}:{alert.reopened}:{recipient}",
            payload={
                "alert_id": alert.id,
                "subject_id": alert.subject_id,
                "signal": signal.id,
                "signal_name": signal.name,
                "severity": alert.severity,
                "summary": alert.summary,
                "opened_on": alert.opened_on.isoformat(),
                "advice": signal.advice,
            },
            now=now,
        )


def _open(
    session: Session,
    run: MonitorRun,
    subject: Subject,
    signal: Signal,
    finding: Finding,
    departments: set[int],
) -> None:
    alert = Alert(
        subject_id=subject.id,
        signal_id=signal.id,
        signal_version=signal.version,
        severity=signal.severity,
        region_code=subject.region_code,
        industry=subject.industry,
        evidence=list(finding.evidence),
        summary=finding.summary,
        opened_on=run.on,
        holds_until=finding.holds_until,
        last_seen_on=run.on,
        first_run_id=run.id,
        last_run_id=run.id,
        reopened=0,
        status=PENDING,
    )
    session.add(alert)
    session.flush()
    session.add_all(AlertRecipient(alert_id=alert.id, department_id=d) for d in sorted(departments))
    record_event(session, alert, "opened", run.on, run, run.actor, evidence=list(finding.evidence))
    _notify(session, alert, "opened", signal, sorted(departments))
