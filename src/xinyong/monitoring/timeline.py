"""A subject's credit lifecycle in one ordered view: registration, commitments, records and their
events, grades, measures applied, alerts — each part only as far as the caller may see it.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.auth.principal import Principal
from xinyong.commitments import reads as commitment_reads
from xinyong.departments.models import Department
from xinyong.evaluation import history
from xinyong.evaluation import service as evaluation_service
from xinyong.monitoring.models import Alert
from xinyong.monitoring.schemas import TimelineEntry
from xinyong.monitoring.service import can_handle
from xinyong.monitoring.signals import signals_of
from xinyong.policy.loader import Policy
from xinyong.records import service as records_service
from xinyong.rules.disclosure import Audience
from xinyong.sanctions import hits as sanction_hits
from xinyong.subjects.models import Subject

KIND_LABELS = {
    "registration": "成立登记",
    "record": "信用记录",
    "record_event": "记录状态",
    "commitment": "信用承诺",
    "grade": "信用评价",
    "measure": "奖惩措施",
    "alert": "风险预警",
}
EVENT_LABELS = {
    "objection_opened": "提出异议",
    "objection_closed": "异议办结",
    "repaired": "信用修复完成",
    "disclosure_stopped": "停止披露",
    "list_removed": "移出名单",
    "deleted": "依法删除",
    "suspended": "暂时屏蔽",
    "unsuspended": "解除屏蔽",
}
GOVERNMENT_AUDIENCES = (Audience.DEPARTMENT, Audience.CREDIT_CENTRE, Audience.AUDITOR)


def _entry(
    on: dt.date, kind: str, title: str, detail: str | None = None, source: str | None = None
) -> TimelineEntry:
    return TimelineEntry(
        on=on, kind=kind, kind_label=KIND_LABELS[kind], title=title, detail=detail, source=source
    )


def _records(
    session: Session, subject: Subject, audience: Audience, on: dt.date, policy: Policy
) -> list[TimelineEntry]:
    names = dict(session.execute(select(Department.id, Department.name)).all())
    shown = records_service.visible_records(session, subject.id, audience, on, policy)
    out: list[TimelineEntry] = []
    events = records_service.status_events(session, [v.record.id for v in shown])
    for v in shown:
        r = v.record
        item = policy.catalog.get(r.catalog_item)
        label = item.name if item else r.catalog_item
        if r.decision_on is not None:
            marks = "、".join(v.disclosure.marks)
            out.append(
                _entry(
                    r.decision_on,
                    "record",
                    f"{label}：{r.document_no or '（无文号）'}",
                    marks or None,
                    names.get(r.department_id),
                )
            )
        out += [
            _entry(
                e.effective_on,
                "record_event",
                f"{label} {EVENT_LABELS.get(e.kind, '状态变更')}",
                r.document_no,
                names.get(r.department_id),
            )
            for e in events.get(r.id, [])
            if e.effective_on <= on
        ]
    return out


def _commitments(session: Session, subject: Subject) -> list[TimelineEntry]:
    out: list[TimelineEntry] = []
    for c in commitment_reads.of_subjects(session, [subject.id]):
        out.append(_entry(c.committed_on, "commitment", f"作出信用承诺：{c.matter}", c.type))
        for e in commitment_reads.events_of(session, c.id):
            if e.from_status is not None:
                out.append(_entry(e.effective_on, "commitment", f"承诺履约状态：{e.to_status}", c.matter))
    return out


def _grades(session: Session, subject: Subject) -> list[TimelineEntry]:
    rows = history.grades_of_subject(session, subject.id)
    out: list[TimelineEntry] = []
    last = None
    for as_of, grade, score in rows:
        if grade != last:  # only changes: a monthly run with the same grade adds nothing to the story
            out.append(_entry(as_of, "grade", f"信用等级：{grade}", f"得分 {score}"))
            last = grade
    return out


def _measures(session: Session, subject: Subject) -> list[TimelineEntry]:
    rows = sanction_hits.measures_of(session, subject.id)
    return [
        _entry(
            on, "measure", f"核查命中措施：{measure}", f"场景 {scenario}" + (f"，反馈：{fb}" if fb else "")
        )
        for on, scenario, measure, fb in rows
    ]


def _alerts(
    session: Session, subject: Subject, principal: Principal, policy: Policy, city_wide: bool
) -> list[TimelineEntry]:
    names = {s.id: s.name for s in signals_of(policy).signals}
    out = []
    for a in session.scalars(select(Alert).where(Alert.subject_id == subject.id).order_by(Alert.id)):
        if can_handle(session, a, department_id=principal.department_id, city_wide=city_wide):
            out.append(
                _entry(
                    a.opened_on,
                    "alert",
                    f"{a.severity}：{names.get(a.signal_id, a.signal_id)}",
                    f"{a.summary}（{a.status}）",
                )
            )
    return out


def build_timeline(
    session: Session,
    policy: Policy,
    subject: Subject,
    principal: Principal,
    audience: Audience,
    *,
    on: dt.date,
    city_wide: bool,
) -> list[TimelineEntry]:
    """Return the subject's lifecycle up to ``on`` as ``principal`` (reading as ``audience``) may see it."""
    entries: list[TimelineEntry] = []
    if subject.established_on is not None:
        entries.append(_entry(subject.established_on, "registration", "成立登记", subject.status))
    entries += _records(session, subject, audience, on, policy)
    if audience != Audience.PUBLIC:
        entries += _commitments(session, subject)
    if evaluation_service.can_read(principal, subject):
        entries += _grades(session, subject)
    if audience in GOVERNMENT_AUDIENCES:
        entries += _measures(session, subject)
        entries += _alerts(session, subject, principal, policy, city_wide)
    return sorted((e for e in entries if e.on <= on), key=lambda e: (e.on, list(KIND_LABELS).index(e.kind)))
