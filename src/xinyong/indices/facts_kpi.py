"""Department work facts, taken from the capabilities that own them (not recomputed here).

- 入库率, 关联率, 及时率, 完整率, 重错码率: ``ingest.service.quality_report`` (per department and month);
  months of the span are combined weighted by the rows read, as are a county's departments.
- Feedback on measures: ``sanctions.service.compliance`` (hits, feedback given, feedback overdue on the
  span's last day).
- Repair and objection handling: ``repair.service.handling_by_department`` (decided in the span within
  the deadline; open cases past due on the last day) — the deadlines the work queue and the city KPIs use.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from xinyong.departments import service as departments_service
from xinyong.departments.models import Department
from xinyong.indices.periods import Period
from xinyong.indices.providers import FactRow
from xinyong.ingest import service as ingest_service
from xinyong.policy.loader import Policy
from xinyong.repair import service as repair_service
from xinyong.sanctions import service as sanctions_service

RATES = ("intake_rate", "link_rate", "timely_rate", "complete_rate", "code_error_rate")
_QUALITY = "indices.quality_rows"  # session.info key: the quality report, asked once per run


def forget(session: Session) -> None:
    """Drop the quality report kept for the current run (``compute`` calls it when a run starts)."""
    session.info.pop(_QUALITY, None)


def _quality_rows(session: Session, policy: Policy) -> list[dict[str, Any]]:
    """Return the per-department, per-month quality rows, computed once per run and window-independent."""
    if _QUALITY not in session.info:
        session.info[_QUALITY] = ingest_service.quality_report(session, policy)["departments"]
    rows: list[dict[str, Any]] = session.info[_QUALITY]
    return rows


@dataclass
class _Tally:
    """Sums behind one unit's work facts."""

    weighted: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    weights: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    quality_refs: list[str] = field(default_factory=list)
    hits: int = 0
    given: int = 0
    feedback_overdue: int = 0
    decided: int = 0
    in_time: int = 0
    late: list[str] = field(default_factory=list)
    overdue: list[str] = field(default_factory=list)

    def rows(self, unit: str) -> list[FactRow]:
        refs = tuple(self.quality_refs)
        out: list[FactRow] = [
            (unit, r, (self.weighted[r] / self.weights[r]) if self.weights[r] else None, refs) for r in RATES
        ]
        checks = (f"checks:命中 {self.hits}，已反馈 {self.given}，反馈逾期 {self.feedback_overdue}",)
        out.append((unit, "feedback_rate", (self.given / self.hits) if self.hits else None, checks))
        out.append(
            (
                unit,
                "handling_in_time",
                (self.in_time / self.decided) if self.decided else None,
                tuple(self.late),
            )
        )
        overdue = float(len(self.overdue) + self.feedback_overdue)
        out.append((unit, "overdue_work", overdue, (*self.overdue, *checks)))
        return out


def _months(start: dt.date, end: dt.date) -> set[str]:
    return {m.label for m in Period("span", "span", start, end).months()}


def work_facts(
    session: Session,
    policy: Policy,
    start: dt.date,
    end: dt.date,
    units: Iterable[str],
    unit_of: Callable[[Department], str | None],
) -> list[FactRow]:
    """Return the work facts of ``units``; ``unit_of`` maps a department to its unit (None: not counted)."""
    depts = {d.code: d for d in departments_service.listed(session)}
    by_id = {d.id: d for d in depts.values()}
    tallies: dict[str, _Tally] = defaultdict(_Tally)
    months = _months(start, end)
    for row in _quality_rows(session, policy):
        dept = depts.get(row["department_code"])
        unit = unit_of(dept) if dept and row["period"] in months else None
        if unit is not None:
            _add_quality(tallies[unit], row)
    for row in sanctions_service.compliance(session, end):
        dept = depts.get(row["department"] or "")
        if dept and (unit := unit_of(dept)) is not None:
            t = tallies[unit]
            t.hits, t.given = t.hits + row["hits"], t.given + row["feedback_given"]
            t.feedback_overdue += row["overdue"]
    handling = repair_service.handling_by_department(session, start=start, end=end, today=end)
    for dept_id, h in handling.items():
        dept = by_id.get(dept_id) if dept_id is not None else None
        if dept and (unit := unit_of(dept)) is not None:
            t = tallies[unit]
            t.decided, t.in_time = t.decided + h.decided, t.in_time + h.in_time
            t.late.extend(h.late)
            t.overdue.extend(h.overdue)
    return [r for u in units for r in tallies[u].rows(u)]


def _add_quality(t: _Tally, row: dict[str, Any]) -> None:
    weight = float(row["rows"])
    for rate in RATES:
        if row[rate] is not None and weight > 0:
            t.weighted[rate] += row[rate] * weight
            t.weights[rate] += weight
    t.quality_refs.append(f"quality:{row['department_code']}:{row['period']}:{row['rows']}")
