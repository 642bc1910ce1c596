"""Seams that load the check's facts from other capabilities' tables, set-based and chunked.

(a) :func:`load_trigger_facts` reads ``credit_record`` + ``record_event``; (b) :func:`load_grades`
reads the grade of the latest finished evaluation run and maps it to the department's supervision class
with the evaluation capability's rules.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict, namedtuple
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from sqlalchemy import bindparam, select

from xinyong.db_prepared import Prepared, Reader, connection_of
from xinyong.departments.models import Department
from xinyong.evaluation import inspections
from xinyong.evaluation.models import EvaluationResult, EvaluationRun
from xinyong.evaluation.supervision import SupervisionRule
from xinyong.policy.loader import Policy
from xinyong.records.models import CreditRecord, RecordEvent, RecordEventKind
from xinyong.sanctions.engine import Fact

CHUNK = 2000

# Events after which a record may no longer be shared or used, with the reason given to departments.
_ENDING = {
    RecordEventKind.REPAIRED: "已信用修复，停止共享和使用",
    RecordEventKind.DELETED: "已依法删除",
    RecordEventKind.LIST_REMOVED: "已移出名单",
    RecordEventKind.DISCLOSURE_STOPPED: "已停止披露",
}


def chunks(values: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    """Yield ``values`` in slices short enough for an ``IN`` list on every dialect."""
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _add_months(day: dt.date, months: int) -> dt.date:
    import calendar

    year, m0 = divmod(day.year * 12 + day.month - 1 + months, 12)
    return dt.date(year, m0 + 1, min(day.day, calendar.monthrange(year, m0 + 1)[1]))


def _parse_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and len(value) >= 10:
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def _exclusion(events: list[tuple[str, dt.date]]) -> tuple[str | None, bool]:
    """Fold a record's events (in date order) into the reason it is out of use, and objection state."""
    reason: str | None = None
    suspended = False
    objection = False
    for kind, on in events:
        if kind in _ENDING and reason is None:
            reason = f"{_ENDING[kind]}（{on.isoformat()}）"
        elif kind == RecordEventKind.SUSPENDED:
            suspended = True
        elif kind == RecordEventKind.UNSUSPENDED:
            suspended = False
        elif kind == RecordEventKind.OBJECTION_OPENED:
            objection = True
        elif kind == RecordEventKind.OBJECTION_CLOSED:
            objection = False
    if reason is None and suspended:
        reason = "暂时屏蔽中"
    return reason, objection


_R = CreditRecord.__table__
_D = Department.__table__
_E = RecordEvent.__table__
_FACT_COLS = (
    _R.c.id,
    _R.c.subject_id,
    _R.c.catalog_item,
    _R.c.polarity,
    _R.c.severity,
    _R.c.decision_on,
    _R.c.valid_to,
    _R.c.document_no,
    _R.c.supersedes_id,
    _R.c.payload,
    _D.c.code,
)
_FACTS = (
    select(*_FACT_COLS)
    .join(_D, _D.c.id == _R.c.department_id)
    .where(
        _R.c.subject_id.in_(bindparam("ids", expanding=True)),
        _R.c.catalog_item.in_(bindparam("items", expanding=True)),
    )
)
# One subject (the common single check): equality, catalog items filtered in Python (a handful of rows).
_FACTS_ONE = Prepared(
    select(*_FACT_COLS).join(_D, _D.c.id == _R.c.department_id).where(_R.c.subject_id == bindparam("id"))
)
_FactRow = namedtuple(
    "_FactRow",
    "id subject_id catalog_item polarity severity decision_on valid_to document_no supersedes_id payload code",
)
_EVENTS = (
    select(_E.c.record_id, _E.c.kind, _E.c.effective_on)
    .where(_E.c.record_id.in_(bindparam("ids", expanding=True)), _E.c.effective_on <= bindparam("on"))
    .order_by(_E.c.effective_on, _E.c.id)
)


def load_trigger_facts(
    db: Reader, subject_ids: Sequence[int], on: dt.date, policy: Policy, items: set[str]
) -> dict[int, list[Fact]]:
    """Load the subjects' records of ``items`` as engine facts, each marked in force or excluded.

    Only the newest version of each record is used. A record is excluded once it is repaired, deleted,
    removed from its list, stopped or suspended (``record_event`` up to ``on``), or when its Zhejiang
    retention period has ended (Regulation Art. 16; extended while the subject is still listed).
    This MUST agree with ``xinyong.records.disclosure.decide(facts, "department", on, policy).shared``:
    a fact is in force here exactly when that decision shares it with departments; the integrator
    replaces the folding below by a call to it.
    """
    out: dict[int, list[Fact]] = defaultdict(list)
    if not subject_ids or not items:
        return out
    retention = policy.retention.negative_retention_months
    conn = connection_of(db)
    rows: list[Any] = []
    if len(subject_ids) == 1:
        rows = [_FactRow(*r) for r in _FACTS_ONE.all(conn, {"id": subject_ids[0]}) if r[2] in items]
    for part in chunks(list(subject_ids)) if len(subject_ids) > 1 else ():
        rows.extend(conn.execute(_FACTS, {"ids": list(part), "items": sorted(items)}).all())
    superseded = {r.supersedes_id for r in rows if r.supersedes_id is not None}
    rows = [r for r in rows if r.id not in superseded]
    events: dict[int, list[tuple[str, dt.date]]] = defaultdict(list)
    for part in chunks([r.id for r in rows]):
        for rid, kind, eff in conn.execute(_EVENTS, {"ids": list(part), "on": on}):
            events[rid].append((kind, eff))
    for r in rows:
        item = policy.catalog.get(r.catalog_item)
        roles = item.roles if item else {}
        payload = r.payload or {}
        list_end = _parse_date(payload.get(roles["list_end"])) if "list_end" in roles else None
        list_type = payload.get(roles["list_type"]) if "list_type" in roles else None
        severity = r.severity
        if severity is None and r.polarity == "negative":
            severity = policy.severity.catalog_items.get(r.catalog_item, policy.severity.default)
        reason, objection = _exclusion(events.get(r.id, []))
        listed = "list_end" in roles and (list_end is None or list_end > on)
        if (
            reason is None
            and r.polarity == "negative"
            and r.decision_on is not None
            and _add_months(r.decision_on, retention) <= on
            and not (listed and policy.retention.extend_while_listed)
        ):
            reason = f"已超过 {retention} 个月保存期限（浙江条例第十六条）"
        out[r.subject_id].append(
            Fact(
                record_id=r.id,
                catalog_item=r.catalog_item,
                polarity=r.polarity,
                severity=severity,
                decision_on=r.decision_on,
                document_no=r.document_no,
                department=r.code,
                list_type=str(list_type) if list_type else None,
                list_end=list_end,
                valid_to=r.valid_to,
                excluded=reason,
                under_objection=objection,
            )
        )
    return out


# (b) grade and supervision class: the evaluation capability owns ``evaluation_result`` and the rules.
_RES = EvaluationResult.__table__
_RUN = EvaluationRun.__table__
# The latest finished run, as ``xinyong.evaluation.service.latest_run`` and the supervision class use it.
_LATEST_RUN = (
    select(_RUN.c.id)
    .where(_RUN.c.status == "finished")
    .order_by(_RUN.c.as_of.desc(), _RUN.c.id.desc())
    .limit(1)
    .scalar_subquery()
)
_GRADE_ONE = Prepared(
    select(_RES.c.subject_id, _RES.c.grade).where(
        _RES.c.subject_id == bindparam("id"), _RES.c.run_id == _LATEST_RUN
    )
)
_GRADES = select(_RES.c.subject_id, _RES.c.grade).where(
    _RES.c.subject_id.in_(bindparam("ids", expanding=True)), _RES.c.run_id == _LATEST_RUN
)


def supervision_rule(policy: Policy, department: str | None, on: dt.date) -> SupervisionRule | None:
    """Return the supervision rule of a department (its own, else the default) in force on ``on``."""
    rules = inspections.rules_of(policy)
    if department is not None:
        return rules.for_department(department, on)
    return next((r for r in rules.rules if r.department is None and r.in_force(on)), None)


def load_grades(
    db: Reader,
    subjects: Mapping[int, str],
    policy: Policy,
    rule: SupervisionRule | None,
) -> dict[int, tuple[str | None, str | None]]:
    """Return each subject's (grade, supervision class) from the latest finished evaluation run.

    ``subjects`` maps subject ids to their kinds. The class is the department's supervision rule applied
    to the grade (``SupervisionRule.class_of``, as ``evaluation.inspections`` does): a subject not
    graded in that run gets the rule's unrated class; a kind the rule does not cover gets no class.
    """
    if not subjects:
        return {}
    conn = connection_of(db)
    ids = list(subjects)
    grades: dict[int, str] = {}
    if len(ids) == 1:
        grades = dict(_GRADE_ONE.all(conn, {"id": ids[0]}))
    else:
        for part in chunks(ids):
            grades.update((sid, g) for sid, g in conn.execute(_GRADES, {"ids": list(part)}))
    classes: dict[str | None, str] = {}
    out: dict[int, tuple[str | None, str | None]] = {}
    for sid, kind in subjects.items():
        grade = grades.get(sid)
        klass = None
        if rule is not None and kind in rule.subject_kinds:
            if grade not in classes:
                classes[grade] = rule.class_of(grade).code
            klass = classes[grade]
        out[sid] = (grade, klass)
    return out
