"""Use cases of 信用大脑 monitoring: run the signals, keep alerts, let officers handle them.

``run_monitor`` looks at every subject (``full``) or only at those whose facts changed since the last run
plus those date-driven signals reach on its day (incremental); both give the same alerts for the same
facts (``tests/monitoring/test_service.py``). The caller commits.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from xinyong.audit import service as audit
from xinyong.auth import consent
from xinyong.auth.principal import Principal, Role
from xinyong.departments.models import Department
from xinyong.errors import Invalid, NotFound, Unauthorized
from xinyong.kit.crypto import KeyRing
from xinyong.monitoring import queries
from xinyong.monitoring.alerts import FALSE_ALARM as FALSE_ALARM
from xinyong.monitoring.alerts import HANDLED as HANDLED
from xinyong.monitoring.alerts import PENDING, record_event
from xinyong.monitoring.alerts import VERIFIED as VERIFIED
from xinyong.monitoring.alerts import active_on as active_on
from xinyong.monitoring.models import Alert, AlertRecipient
from xinyong.monitoring.runs import run_monitor as run_monitor
from xinyong.monitoring.schemas import AlertFilter, AlertPage, AlertRead, TimelineEntry
from xinyong.monitoring.signals import SEVERITY_RANK as SEVERITY_RANK  # re-exported for the console filters
from xinyong.monitoring.signals import signals_of as signals_of
from xinyong.policy.loader import Policy
from xinyong.rules.disclosure import Audience
from xinyong.subjects.models import Subject, SubjectKind
from xinyong.subjects.scope import resolve_access
from xinyong.subjects.service import find_by_code

HANDLING = (VERIFIED, HANDLED, FALSE_ALARM)
STATUSES = (PENDING, *HANDLING)  # every status an alert can be in (the list filter)
# The handling an officer is offered next: verify or dismiss a pending alert, then close a verified one.
NEXT_HANDLING: dict[str, tuple[str, ...]] = {PENDING: (VERIFIED, FALSE_ALARM), VERIFIED: (HANDLED,)}


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
    if status == HANDLED and alert.status == PENDING:
        raise Invalid("预警须先核实，才能标记为已处置", code="alert.not_verified")
    before = alert.status
    alert.status, alert.status_note, alert.status_by = status, note, actor
    alert.status_at = dt.datetime.now(dt.UTC)
    record_event(session, alert, "status", on, None, actor, before=before, after=status, note=note)
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
        next_statuses=list(NEXT_HANDLING.get(alert.status, ())),
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
