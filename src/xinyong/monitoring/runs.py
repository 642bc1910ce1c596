"""``run_monitor``: evaluate the signals in force on a day over the subjects a run looks at and keep the
alerts; full and incremental runs give the same alerts for the same facts
(``tests/monitoring/test_service.py``). The caller commits."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.audit import service as audit
from xinyong.errors import Invalid
from xinyong.monitoring.alerts import (
    Recipients,
    Tally,
    latest_alerts,
    reconcile,
)
from xinyong.monitoring.changes import candidates, changed_subjects, set_marks, watched_kinds
from xinyong.monitoring.engine import evaluate_all
from xinyong.monitoring.facts import load_facts
from xinyong.monitoring.models import MonitorRun
from xinyong.monitoring.signals import (
    Signal,
    signals_of,
)
from xinyong.policy.loader import Policy

CHUNK = 1000


def _chunks(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def run_monitor(
    session: Session,
    policy: Policy,
    *,
    on: dt.date,
    actor: str,
    full: bool = False,
) -> MonitorRun:
    """Evaluate the signals in force on ``on`` and keep the alerts; return the run with its counts."""
    started = time.perf_counter()
    signals = signals_of(policy).in_force(on)
    last = session.scalars(select(MonitorRun).order_by(MonitorRun.id.desc()).limit(1)).first()
    if last is not None and on < last.on:
        raise Invalid(f"监测日期 {on} 早于上一次运行的日期 {last.on}", code="monitor.date_backwards")
    incremental = not full and last is not None
    run = MonitorRun(
        on=on, mode="incremental" if incremental else "full", policy_hash=policy.hash, actor=actor
    )
    set_marks(session, run)
    session.add(run)
    session.flush()
    if last is not None and incremental:
        ids = changed_subjects(session, last, signals, on)
    else:
        ids = candidates(session, signals, on)
    tally = _look_at(session, policy, run, signals, sorted(ids), Recipients(session, policy.city_region))
    run.subjects, run.opened, run.updated, run.ended = (
        tally.subjects,
        tally.opened,
        tally.updated,
        tally.ended,
    )
    run.seconds = round(time.perf_counter() - started, 3)
    _audit(session, run, policy)
    session.flush()
    return run


def _look_at(
    session: Session,
    policy: Policy,
    run: MonitorRun,
    signals: Sequence[Signal],
    ids: Sequence[int],
    recipients: Recipients,
) -> Tally:
    """Evaluate the signals for the subjects ``ids`` of a watched kind, chunk by chunk, and keep the alerts."""
    kinds = set(watched_kinds(signals))
    by_id = {s.id: s for s in signals}
    tally = Tally()
    for chunk in _chunks(ids):
        alerts = latest_alerts(session, chunk)
        for subject, facts in load_facts(session, chunk, signals, run.on, policy):
            if subject.kind not in kinds:
                continue
            tally.subjects += 1
            findings = evaluate_all(signals, facts, run.on)
            reconcile(session, run, subject, alerts.get(subject.id, {}), findings, by_id, recipients, tally)
    return tally


def _audit(session: Session, run: MonitorRun, policy: Policy) -> None:
    audit.append(
        session,
        actor=run.actor,
        action="monitor.run",
        object_type="monitor_run",
        object_id=run.id,
        detail={
            "on": run.on.isoformat(),
            "mode": run.mode,
            "subjects": run.subjects,
            "opened": run.opened,
            "updated": run.updated,
            "ended": run.ended,
            "policy_hash": policy.hash,
        },
    )
