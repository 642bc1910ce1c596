"""Seams that load the check's facts from other capabilities' tables, set-based and chunked.

(a) :func:`load_trigger_facts` reads ``credit_record`` + ``record_event``; (b) :func:`load_grades`
reads the latest ``evaluation_result`` when that table exists. Both are small on purpose so the
integrator can swap their derivations for the owning capabilities' functions.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict, namedtuple
from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import Connection, bindparam, column, func, inspect, select, table
from sqlalchemy.orm import Session

from xinyong.db_prepared import Prepared
from xinyong.departments.models import Department
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
    session: Session, subject_ids: Sequence[int], on: dt.date, policy: Policy, items: set[str]
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
    conn = session.connection()
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


# (b) grade and supervision class: the evaluation capability owns ``evaluation_result``.
EVALUATION_TABLE = "evaluation_result"
_GRADE_COLUMNS = ("grade",)
_CLASS_COLUMNS = ("supervision_class", "risk_class", "class_code")
_columns_cache: dict[int, tuple[str | None, str | None] | None] = {}


def _evaluation_columns(conn: Connection) -> tuple[str | None, str | None] | None:
    key = id(conn.engine)
    if key not in _columns_cache:
        insp = inspect(conn)
        if not insp.has_table(EVALUATION_TABLE):
            _columns_cache[key] = None
        else:
            names = {c["name"] for c in insp.get_columns(EVALUATION_TABLE)}
            grade = next((c for c in _GRADE_COLUMNS if c in names), None)
            klass = next((c for c in _CLASS_COLUMNS if c in names), None)
            _columns_cache[key] = (grade, klass) if "subject_id" in names else None
    return _columns_cache[key]


def load_grades(
    session: Session, subject_ids: Sequence[int], policy: Policy
) -> dict[int, tuple[str | None, str | None]]:
    """Return each subject's latest (grade label, supervision class), or nothing if no evaluation exists."""
    if not subject_ids:
        return {}
    cols = _evaluation_columns(session.connection())
    if cols is None:
        return {}
    grade_col, class_col = cols
    labels = policy.enum_labels("grade") if "grade" in policy.enums.enums else {}
    t = table(EVALUATION_TABLE, column("id"), column("subject_id"), *(column(c) for c in cols if c))
    out: dict[int, tuple[str | None, str | None]] = {}
    for part in chunks(list(subject_ids)):
        latest = select(func.max(t.c.id)).where(t.c.subject_id.in_(part)).group_by(t.c.subject_id)
        wanted = [t.c.subject_id, *(t.c[c] for c in cols if c)]
        for row in session.execute(select(*wanted).where(t.c.id.in_(latest))):
            grade = row._mapping[grade_col] if grade_col else None
            klass = row._mapping[class_col] if class_col else None
            out[row.subject_id] = (labels.get(grade, grade) if grade else None, klass)
    return out
