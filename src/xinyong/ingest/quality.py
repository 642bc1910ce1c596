"""Quality KPIs of 归集 per department and period, computed from the stored data.

- 入库率: rows stored (not rejected) / rows read.
- 关联率: rows linked to a subject / rows stored (rows still pending in the 未关联 queue are not linked).
- 及时率: records received within the source's working-day deadline after the decision (双公示: 7 个
  工作日, from ``policy/sources``), on the official calendar (``policy.calendar``), first versions only.
- 完整率: catalog fields filled / catalog fields applicable to the row's subject category.
- 重错码率: rows with a wrong code (checksum) or a code registered under another name (重码) / rows read.
- Volume warnings: batches outside the source's min/max rows, and sources silent for longer than their
  expected frequency allows.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from xinyong.db import utcnow
from xinyong.departments.models import Department
from xinyong.ingest.models import PENDING, IngestBatch, IngestBatchStat, UnresolvedRow
from xinyong.ingest.sources import sources
from xinyong.kit.workdays import UnknownCalendarYear
from xinyong.policy.loader import Policy
from xinyong.records.models import CreditRecord

SHANGHAI = ZoneInfo("Asia/Shanghai")
COUNTS = ("rows", "rejected", "fields_expected", "fields_filled", "code_errors", "code_conflicts")


def period_of(at: dt.datetime, period: str | None) -> str:
    """Return the month (YYYY-MM) or year of a timestamp in local time, as the report groups it."""
    local = at.astimezone(SHANGHAI)
    return f"{local:%Y}" if period and len(period) == 4 else f"{local:%Y-%m}"


def _ratio(num: float, den: float) -> float | None:
    return None if den <= 0 else round(num / den, 4)


def quality_report(
    session: Session, policy: Policy, *, period: str | None = None, department_code: str | None = None
) -> dict[str, Any]:
    """Return the KPIs per department and period (``period`` YYYY or YYYY-MM filters)."""
    depts = {d.id: d.code for d in session.scalars(select(Department))}
    wanted_dept: int | None = (
        next((i for i, c in depts.items() if c == department_code), -1) if department_code else None
    )
    acc: dict[tuple[int | None, str], dict[str, float]] = defaultdict(lambda: defaultdict(float))

    def keep(dept_id: int | None, key: str) -> bool:
        return (wanted_dept is None or dept_id == wanted_dept) and (period is None or key.startswith(period))

    stats = session.execute(
        select(IngestBatchStat, IngestBatch.received_at).join(
            IngestBatch, IngestBatch.id == IngestBatchStat.batch_id
        )
    ).all()
    for stat, received_at in stats:
        key = period_of(received_at, period)
        if keep(stat.department_id, key):
            for c in COUNTS:
                acc[(stat.department_id, key)][c] += getattr(stat, c)
    pending = session.execute(
        select(UnresolvedRow.department_id, UnresolvedRow.received_at, func.count())
        .where(UnresolvedRow.status == PENDING)
        .group_by(UnresolvedRow.department_id, UnresolvedRow.received_at)
    ).all()
    for pending_dept, received_at, count in pending:
        key = period_of(received_at, period)
        if keep(pending_dept, key):
            acc[(pending_dept, key)]["pending"] += count
    warnings: list[str] = []
    _timeliness(session, policy, acc, keep, period, warnings)
    rows_out = []
    for (dept_id, key), a in sorted(acc.items(), key=lambda kv: (depts.get(kv[0][0] or -1, ""), kv[0][1])):
        stored = a["rows"] - a["rejected"]
        rows_out.append(
            {
                "department_id": dept_id,
                "department_code": depts.get(dept_id or -1, "（未识别部门）"),
                "period": key,
                "rows": int(a["rows"]),
                "rejected": int(a["rejected"]),
                "intake_rate": _ratio(stored, a["rows"]),
                "link_rate": _ratio(stored - a["pending"], stored),
                "timely_rate": _ratio(a["timely"], a["timed"]),
                "complete_rate": _ratio(a["fields_filled"], a["fields_expected"]),
                "code_error_rate": _ratio(a["code_errors"] + a["code_conflicts"], a["rows"]),
            }
        )
    warnings.extend(_volume_warnings(session, policy, depts, wanted_dept))
    return {"period": period, "policy_hash": policy.hash, "departments": rows_out, "warnings": warnings}


def _timeliness(
    session: Session,
    policy: Policy,
    acc: dict[tuple[int | None, str], dict[str, float]],
    keep: Any,
    period: str | None,
    warnings: list[str],
) -> None:
    deadlines = {
        s.item.id: s.spec.timeliness.workdays for s in sources(policy).by_id.values() if s.spec.timeliness
    }
    if not deadlines:
        return
    rows = session.execute(
        select(
            CreditRecord.department_id,
            CreditRecord.catalog_item,
            CreditRecord.decision_on,
            CreditRecord.first_received_at,
            func.count(),
        )
        .where(CreditRecord.catalog_item.in_(sorted(deadlines)), CreditRecord.version == 1)
        .group_by(
            CreditRecord.department_id,
            CreditRecord.catalog_item,
            CreditRecord.decision_on,
            CreditRecord.first_received_at,
        )
    ).all()
    unknown_years: set[int] = set()
    dues: dict[tuple[dt.date, int], dt.date] = {}  # many rows share a decision day: count each once
    for dept_id, item, decided, received_at, count in rows:
        key = period_of(received_at, period)
        if decided is None or not keep(dept_id, key):
            continue
        try:
            due = dues.get((decided, deadlines[item]))
            if due is None:
                due = dues[(decided, deadlines[item])] = policy.calendar.add_workdays(
                    decided, deadlines[item]
                )
        except UnknownCalendarYear as exc:
            unknown_years.add(exc.year)
            continue
        acc[(dept_id, key)]["timed"] += count
        if received_at.astimezone(SHANGHAI).date() <= due:
            acc[(dept_id, key)]["timely"] += count
    for year in sorted(unknown_years):
        warnings.append(f"{year} 年的工作日历未知，该年决定的记录未计入及时率")


def _volume_warnings(
    session: Session, policy: Policy, depts: dict[int, str], wanted_dept: int | None
) -> list[str]:
    out: list[str] = []
    srcs = sources(policy).by_id
    last = session.execute(
        select(IngestBatch.source_id, IngestBatchStat.department_id, func.max(IngestBatch.received_at))
        .join(IngestBatchStat, IngestBatchStat.batch_id == IngestBatch.id)
        .where(IngestBatchStat.department_id.is_not(None))
        .group_by(IngestBatch.source_id, IngestBatchStat.department_id)
    ).all()
    now = utcnow()
    for source_id, dept_id, at in last:
        if wanted_dept is not None and dept_id != wanted_dept:
            continue
        spec = srcs[source_id].spec if source_id in srcs else None
        if spec and (now - at).days > spec.frequency.max_gap_days:
            who = depts.get(dept_id or -1, "未识别部门")
            out.append(
                f"{who} 的{spec.name}已 {(now - at).days} 天未报送（预期{spec.frequency.label}，最长间隔 {spec.frequency.max_gap_days} 天）"
            )
    flagged = session.execute(select(IngestBatch.id, IngestBatch.source_id, IngestBatch.warnings)).all()
    for batch_id, source_id, batch_warnings in flagged:
        for w in batch_warnings or []:
            if w.startswith("行数"):
                out.append(f"批次 {batch_id}（{source_id}）：{w}")
    return out
