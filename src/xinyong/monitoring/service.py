"""Use cases of 信用大脑 monitoring: run the signals, keep alerts, let officers handle them.

``run_monitor`` looks at every subject (``full``) or only at those whose facts changed since the last run
plus those date-driven signals reach on its day (incremental); both give the same alerts for the same
facts (``tests/monitoring/test_service.py``). The caller commits.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from xinyong.audit import service as audit
from xinyong.auth import consent
from xinyong.auth.principal import Principal, Role
from xinyong.commitments.models import Commitment, CommitmentEvent
from xinyong.creditfile.service import resolve_access
from xinyong.db import utcnow
from xinyong.departments.models import Department
from xinyong.errors import Invalid, NotFound, Unauthorized
from xinyong.kit.crypto import KeyRing
from xinyong.monitoring import queries
from xinyong.monitoring.engine import FULFILLED, Finding, evaluate_all
from xinyong.monitoring.facts import items_of, listed, load_facts, relevant
from xinyong.monitoring.models import Alert, AlertEvent, AlertRecipient, MonitorRun
from xinyong.monitoring.schemas import AlertFilter, AlertPage, AlertRead, TimelineEntry
from xinyong.monitoring.signals import (
    CommitmentCondition,
    LicenceCondition,
    Signal,
    signals_of,
)
from xinyong.outbox import service as outbox
from xinyong.policy.loader import Policy
from xinyong.records import service as records_service
from xinyong.records.models import CreditRecord, RecordEvent
from xinyong.rules.disclosure import Audience
from xinyong.subjects.models import Subject, SubjectKind
from xinyong.subjects.service import find_by_code

CHUNK = 1000
PENDING = "待核实"
HANDLING = ("已核实", "已处置", "误报")
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


def _chunks(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def _watched_kinds(signals: Sequence[Signal]) -> list[str]:
    return sorted({k for s in signals for k in s.subject_kinds})


def _candidates(session: Session, signals: Sequence[Signal], on: dt.date) -> set[int]:
    """Subjects a full run must look at: those with facts a signal could use, and those with live alerts.

    Every other subject has nothing a signal looks at, so no finding: looking at it would change nothing.
    """
    found = set(
        session.scalars(
            select(CreditRecord.subject_id).where(relevant(signals, on), records_service.latest_only())
        )
    )
    found |= set(session.scalars(select(Commitment.subject_id).where(Commitment.status.not_in(FULFILLED))))
    _, list_items = items_of(signals)
    if list_items:
        listed_ids = select(CreditRecord.subject_id).where(listed(list_items))
        reps = select(Subject.legal_rep).where(Subject.id.in_(listed_ids), Subject.legal_rep.is_not(None))
        found |= set(session.scalars(select(Subject.id).where(Subject.legal_rep.in_(reps))))
    found |= set(
        session.scalars(
            select(Alert.subject_id).where(
                Alert.ended_on.is_(None), or_(Alert.holds_until.is_(None), Alert.holds_until >= on)
            )
        )
    )
    return found


def _changed_subjects(session: Session, last: MonitorRun, signals: Sequence[Signal], on: dt.date) -> set[int]:
    """Subjects whose facts changed past the last run's marks, or that a date-driven signal reaches now."""
    record_items, list_items = items_of(signals)
    return (
        _written_since(session, last)
        | _dated_since(session, last, record_items | list_items, on)
        | _windows_reached(session, last, signals, on)
        | _linked_to_newly_listed(session, last, list_items)
    )


def _written_since(session: Session, last: MonitorRun) -> set[int]:
    """Subjects with a record, a record event or a commitment event written after the last run."""
    found: set[int] = set(
        session.scalars(select(CreditRecord.subject_id).where(CreditRecord.id > last.max_record_id))
    )
    found |= set(
        session.scalars(
            select(CreditRecord.subject_id)
            .join(RecordEvent, RecordEvent.record_id == CreditRecord.id)
            .where(RecordEvent.id > last.max_record_event_id)
        )
    )
    found |= set(
        session.scalars(
            select(Commitment.subject_id)
            .join(CommitmentEvent, CommitmentEvent.commitment_id == Commitment.id)
            .where(CommitmentEvent.id > last.max_commitment_event_id)
        )
    )
    return found


def _dated_since(session: Session, last: MonitorRun, items: set[str], on: dt.date) -> set[int]:
    """Subjects whose dated facts (a repair effective, a decision dated ahead) take effect since the last run."""
    found: set[int] = (
        set(  # status events that take effect by date (a repair effective today) change what is usable
            session.scalars(
                select(CreditRecord.subject_id)
                .join(RecordEvent, RecordEvent.record_id == CreditRecord.id)
                .where(RecordEvent.effective_on > last.on, RecordEvent.effective_on <= on)
            )
        )
    )
    found |= set(  # records dated ahead that take effect since the last day looked at
        session.scalars(
            select(CreditRecord.subject_id).where(
                CreditRecord.catalog_item.in_(sorted(items)),
                or_(
                    and_(CreditRecord.decision_on > last.on, CreditRecord.decision_on <= on),
                    and_(CreditRecord.valid_from > last.on, CreditRecord.valid_from <= on),
                ),
            )
        )
    )
    return found


def _windows_reached(session: Session, last: MonitorRun, signals: Sequence[Signal], on: dt.date) -> set[int]:
    """Subjects a date-driven signal reaches since the last run (a licence ending, a commitment falling due)."""
    found: set[int] = set()
    for s in signals:
        cond = s.condition
        if isinstance(cond, LicenceCondition):  # validity ends entering the window since the last run
            found |= set(
                session.scalars(
                    select(CreditRecord.subject_id).where(
                        CreditRecord.catalog_item.in_(cond.catalog_items),
                        CreditRecord.valid_to > last.on + dt.timedelta(days=cond.days),
                        CreditRecord.valid_to <= on + dt.timedelta(days=cond.days),
                    )
                )
            )
        elif isinstance(cond, CommitmentCondition):  # commitments falling due since the last run
            lag = dt.timedelta(days=cond.overdue_after_days)
            found |= set(
                session.scalars(
                    select(Commitment.subject_id).where(
                        Commitment.due_on >= last.on - lag, Commitment.due_on < on - lag
                    )
                )
            )
    return found


def _linked_to_newly_listed(session: Session, last: MonitorRun, list_items: set[str]) -> set[int]:
    """Subjects sharing a legal representative with one newly listed (the linked signal may change)."""
    if not list_items:
        return set()
    listed = select(CreditRecord.subject_id).where(
        CreditRecord.catalog_item.in_(sorted(list_items)),
        or_(
            CreditRecord.id > last.max_record_id,
            CreditRecord.id.in_(
                select(RecordEvent.record_id).where(RecordEvent.id > last.max_record_event_id)
            ),
        ),
    )
    reps = select(Subject.legal_rep).where(Subject.id.in_(listed), Subject.legal_rep.is_not(None))
    return set(session.scalars(select(Subject.id).where(Subject.legal_rep.in_(reps))))


def _marks(session: Session) -> tuple[int, int, int]:
    return (
        session.scalar(select(func.max(CreditRecord.id))) or 0,
        session.scalar(select(func.max(RecordEvent.id))) or 0,
        session.scalar(select(func.max(CommitmentEvent.id))) or 0,
    )


class _Recipients:
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


def run_monitor(
    session: Session,
    policy: Policy,
    *,
    on: dt.date,
    actor: str,
    full: bool = False,
    city_region: str = "331000",
) -> MonitorRun:
    """Evaluate the signals in force on ``on`` and keep the alerts; return the run with its counts."""
    started = time.perf_counter()
    signals = signals_of(policy).in_force(on)
    last = session.scalars(select(MonitorRun).order_by(MonitorRun.id.desc()).limit(1)).first()
    if last is not None and on < last.on:
        raise Invalid(f"监测日期 {on} 早于上一次运行的日期 {last.on}", code="monitor.date_backwards")
    incremental = not full and last is not None
    marks = _marks(session)
    run = MonitorRun(
        on=on,
        mode="incremental" if incremental else "full",
        policy_hash=policy.hash,
        max_record_id=marks[0],
        max_record_event_id=marks[1],
        max_commitment_event_id=marks[2],
        actor=actor,
    )
    session.add(run)
    session.flush()
    kinds = _watched_kinds(signals)
    if incremental:
        assert last is not None  # noqa: S101 - incremental implies a last run
        ids = sorted(_changed_subjects(session, last, signals, on))
        ids = list(session.scalars(select(Subject.id).where(Subject.id.in_(ids), Subject.kind.in_(kinds))))
    else:
        ids = sorted(_candidates(session, signals, on))
        ids = list(session.scalars(select(Subject.id).where(Subject.id.in_(ids), Subject.kind.in_(kinds))))
    recipients = _Recipients(session, city_region)
    by_id = {s.id: s for s in signals}
    tally = Tally()
    for chunk in _chunks(ids):
        alerts = _latest_alerts(session, chunk)
        for subject, facts in load_facts(session, chunk, signals, on, policy):
            tally.subjects += 1
            findings = evaluate_all(signals, facts, on)
            _reconcile(session, run, subject, alerts.get(subject.id, {}), findings, by_id, recipients, tally)
    run.subjects, run.opened, run.updated, run.ended = (
        tally.subjects,
        tally.opened,
        tally.updated,
        tally.ended,
    )
    run.seconds = round(time.perf_counter() - started, 3)
    audit.append(
        session,
        actor=actor,
        action="monitor.run",
        object_type="monitor_run",
        object_id=run.id,
        detail={
            "on": on.isoformat(),
            "mode": run.mode,
            "subjects": run.subjects,
            "opened": run.opened,
            "updated": run.updated,
            "ended": run.ended,
            "policy_hash": policy.hash,
        },
    )
    session.flush()
    return run


def _latest_alerts(session: Session, subject_ids: Sequence[int]) -> dict[int, dict[str, Alert]]:
    """Return each subject's latest alert per signal."""
    out: dict[int, dict[str, Alert]] = defaultdict(dict)
    for alert in session.scalars(select(Alert).where(Alert.subject_id.in_(subject_ids)).order_by(Alert.id)):
        out[alert.subject_id][alert.signal_id] = alert
    return out


def _event(
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


def _reconcile(
    session: Session,
    run: MonitorRun,
    subject: Subject,
    existing: dict[str, Alert],
    findings: list[Finding],
    signals: dict[str, Signal],
    recipients: _Recipients,
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
                _event(session, alert, "updated", on, run, run.actor, evidence=list(finding.evidence))
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
            _event(session, alert, "reopened", on, run, run.actor, evidence=list(finding.evidence))
            _notify(session, alert, "reopened", signal)
            tally.opened += 1
        elif alert is None or not (set(finding.evidence) <= set(alert.evidence)):
            _open(session, run, subject, signal, finding, recipients.of(signal, finding, subject))
            tally.opened += 1
    for signal_id, alert in existing.items():
        if signal_id not in held and active_on(alert, on):
            alert.ended_on = on
            alert.last_run_id = run.id
            _event(session, alert, "ended", on, run, run.actor)
            tally.ended += 1


def _notify(session: Session, alert: Alert, event_kind: str, signal: Signal) -> None:
    """Queue the alert to every department told of it (outbox: inbox or signed webhook), once per step."""
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
    _event(session, alert, "opened", run.on, run, run.actor, evidence=list(finding.evidence))
    _notify(session, alert, "opened", signal)


def can_handle(session: Session, alert: Alert, *, department_id: int | None, city_wide: bool) -> bool:
    """Tell whether a caller (its department, or city-wide duty) may see and handle an alert."""
    if city_wide:
        return True
    if department_id is None:
        return False
    return session.get(AlertRecipient, (alert.id, department_id)) is not None


def get_alert(session: Session, alert_id: int) -> Alert:
    """Return an alert by id."""
    alert = session.get(Alert, alert_id)
    if alert is None:
        raise NotFound("未找到该预警", code="alert.not_found")
    return alert


def set_status(
    session: Session,
    alert_id: int,
    status: str,
    note: str | None,
    *,
    actor: str,
    department_id: int | None,
    city_wide: bool,
    on: dt.date,
) -> Alert:
    """Record an officer's handling of an alert (已核实 / 已处置 / 误报), audited."""
    if status not in HANDLING:
        raise Invalid(f"处置状态只能是：{'、'.join(HANDLING)}", code="alert.bad_status")
    alert = session.get(Alert, alert_id)
    if alert is None or not can_handle(session, alert, department_id=department_id, city_wide=city_wide):
        raise NotFound("未找到该预警", code="alert.not_found")
    if status == "已处置" and alert.status == PENDING:
        raise Invalid("预警须先核实，才能标记为已处置", code="alert.not_verified")
    before = alert.status
    alert.status, alert.status_note, alert.status_by = status, note, actor
    alert.status_at = dt.datetime.now(dt.UTC)
    _event(session, alert, "status", on, None, actor, before=before, after=status, note=note)
    audit.append(
        session,
        actor=actor,
        action="alert.status",
        object_type="alert",
        object_id=alert.id,
        detail={"before": before, "after": status, "note": note},
    )
    session.flush()
    return alert


def scope_of(principal: Principal, city_region: str) -> queries.AlertScope:
    """Return whose alerts ``principal`` sees: the centre and audit all, a supervisor its county, officers their own."""
    if principal.role in (Role.ADMIN, Role.AUDITOR):
        return queries.AlertScope(city_wide=True)
    if principal.role == Role.SUPERVISOR:
        region = principal.region_code if principal.region_code not in (None, city_region) else None
        return queries.AlertScope(city_wide=True, region=region)
    return queries.AlertScope(city_wide=False, department_id=principal.department_id)


def alert_view(session: Session, alert: Alert, policy: Policy, on: dt.date) -> AlertRead:
    """Return an alert as an officer reads it (signal name and advice, recipients, derived activity)."""
    signal = signals_of(policy).get(alert.signal_id)
    subject = session.get(Subject, alert.subject_id)
    departments = session.scalars(
        select(Department.name)
        .join(AlertRecipient, AlertRecipient.department_id == Department.id)
        .where(AlertRecipient.alert_id == alert.id)
        .order_by(Department.id)
    ).all()
    return AlertRead(
        id=alert.id,
        subject_id=alert.subject_id,
        subject_name=subject.name if subject else "",
        subject_code=subject.uscc if subject else None,
        signal_id=alert.signal_id,
        signal_name=signal.name if signal else alert.signal_id,
        severity=alert.severity,
        region_code=alert.region_code,
        industry=alert.industry,
        summary=alert.summary,
        advice=signal.advice if signal else "",
        evidence=alert.evidence,
        departments=list(departments),
        opened_on=alert.opened_on,
        holds_until=alert.holds_until,
        ended_on=alert.ended_on,
        active=active_on(alert, on),
        reopened=alert.reopened,
        status=alert.status,
        status_note=alert.status_note,
    )


def list_alerts(
    session: Session,
    policy: Policy,
    principal: Principal,
    f: AlertFilter,
    *,
    page: int,
    size: int,
    city_region: str,
) -> AlertPage:
    """Return one page of the alerts ``principal``'s duty covers; the read is audited."""
    q = queries.alerts(f, scope_of(principal, city_region))
    total = session.scalar(select(func.count()).select_from(q.order_by(None).subquery())) or 0
    rows = session.scalars(q.offset((page - 1) * size).limit(size)).all()
    audit.append(
        session,
        actor=principal.actor,
        action="alert.list",
        object_type="alert",
        detail={"filters": {k: str(v) for k, v in vars(f).items() if v is not None}, "count": len(rows)},
    )
    return AlertPage(total=total, items=[alert_view(session, a, policy, f.on) for a in rows])


def subject_timeline(
    session: Session,
    policy: Policy,
    keys: KeyRing,
    principal: Principal,
    code: str,
    *,
    purpose: str | None,
    on: dt.date,
    city_region: str,
) -> tuple[Subject, list[TimelineEntry]]:
    """Return a subject's lifecycle as ``principal`` may see it on ``on``; a non-public read is logged."""
    from xinyong.monitoring.timeline import build_timeline

    if principal.role == Role.PUBLIC:
        raise Unauthorized("请先登录", code="auth.required")
    subject = find_by_code(session, keys, code)
    if subject is None:
        raise NotFound("未找到该信用主体", code="subject.not_found")
    access = resolve_access(session, principal, subject, purpose=purpose, on=on, policy=policy)
    if access.audience == Audience.PUBLIC and subject.kind == SubjectKind.NATURAL_PERSON.value:
        raise NotFound(
            "未找到该信用主体", code="subject.not_found"
        )  # 浙江条例第十五条: not even its existence
    scope = scope_of(principal, city_region)
    entries = build_timeline(
        session, policy, subject, principal, access.audience, on=on, city_wide=scope.city_wide
    )
    consent.log_read(
        session,
        principal,
        subject_id=subject.id,
        access=access,
        what="timeline",
        items=len(entries),
        policy=policy,
        on=on,
    )
    return subject, entries
