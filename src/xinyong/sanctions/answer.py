"""The JSON of a check's answer: measures (static per policy, built once), evidence, subjects, deadlines."""

from __future__ import annotations

import datetime as dt
from typing import Any

from xinyong.kit.workdays import UnknownCalendarYear
from xinyong.policy.loader import Policy
from xinyong.sanctions import engine
from xinyong.sanctions.resolve import Query, Resolution
from xinyong.sanctions.rules import CompiledMeasure

_STATIC: dict[tuple[str, str], dict[str, Any]] = {}
_DUE: dict[tuple[str, str, str], dt.date | None] = {}


def measure_json(policy_hash: str, cm: CompiledMeasure) -> dict[str, Any]:
    """Return a measure as the answer shows it (built once per policy and measure)."""
    key = (policy_hash, cm.measure.id)
    if key not in _STATIC:
        m = cm.measure
        _STATIC[key] = {
            "measure_id": m.id,
            "name": m.name,
            "kind": m.kind,
            "class": m.measure_class,
            "mandatory": m.mandatory,
            "list": cm.list_name,
            "basis": [b.cite() for b in m.basis],
            "implementing_bodies": list(m.implementing_bodies),
        }
    return _STATIC[key]


def due_on(policy: Policy, on: dt.date, workdays: int) -> dt.date | None:
    """Return the feedback deadline (memoised per policy and day: the calendar lookup is slow)."""
    key = (policy.hash, on.isoformat(), str(workdays))
    if key not in _DUE:
        try:
            _DUE[key] = policy.calendar.add_workdays(on, workdays)
        except UnknownCalendarYear:
            _DUE[key] = None  # reported as unknown rather than guessed
    return _DUE[key]


def due_marks(policy: Policy, due: dt.date | None, hits: bool) -> dict[str, Any]:
    """Return whether the feedback deadline is 暂定 and, when it is absent or 暂定, why."""
    if not hits:
        return {"due_on_provisional": False, "due_on_note": "本次核查没有命中联合奖惩措施，无需反馈"}
    if due is None:
        return {"due_on_provisional": False, "due_on_note": "工作日历不包含该年份，无法计算反馈期限"}
    if policy.calendar.provisional(due.year):
        return {
            "due_on_provisional": True,
            "due_on_note": f"暂定：{due.year} 年的节假日和调休安排尚未公布，反馈期限按法定节假日推算，"
            "官方安排录入后自动重算",
        }
    return {"due_on_provisional": False, "due_on_note": None}


def evidence_json(e: engine.Evidence) -> dict[str, Any]:
    """Return one piece of evidence of a hit (the record it rests on, when there is one)."""
    out: dict[str, Any] = {"kind": e.kind, "label": e.label}
    if e.record_id is not None:
        out.update(
            record_id=e.record_id,
            catalog_item=e.catalog_item,
            document_no=e.document_no,
            department=e.department,
            decision_on=e.decision_on.isoformat() if e.decision_on else None,
            severity=e.severity,
            list_type=e.list_type,
            under_objection=e.under_objection,
        )
    return out


def hit_json(policy_hash: str, hit: engine.Hit) -> dict[str, Any]:
    """Return a hit: its measure and its evidence."""
    return {**measure_json(policy_hash, hit.measure), "evidence": [evidence_json(e) for e in hit.evidence]}


def subject_json(res: Resolution) -> dict[str, Any] | None:
    """Return the subject a query resolved to, or ``None``."""
    s = res.subject
    return (
        None if s is None else {"code": s.uscc, "name": s.name, "kind": s.kind, "region_code": s.region_code}
    )


def query_json(q: Query, res: Resolution) -> dict[str, Any]:
    """Return what a result says of its query: the input, how it resolved, and the candidates if ambiguous."""
    item: dict[str, Any] = {"input": {k: v for k, v in vars(q).items() if v}, "status": res.status}
    if res.message:
        item["message"] = res.message
    if res.candidates:
        item["candidates"] = [
            {"code": c.uscc, "name": c.name, "region_code": c.region_code} for c in res.candidates
        ]
    return item
