"""Facts about government bodies drawn from the records they are the subject of (set-based SQL).

A government body is a subject of kind 政府机构; an agency unit is a department of the register, joined to
its subject by the USCC; a county unit is every government body registered in the county; the city unit
is all of them. Each fact is one filtered query grouped by the unit key; the matching record ids come
back as the evidence behind the points.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import literal, or_, select
from sqlalchemy.orm import Session

from xinyong.commitments import reads as commitment_reads
from xinyong.commitments import service as commitments_service
from xinyong.departments.models import Department
from xinyong.indices.providers import FactRow
from xinyong.policy.loader import Policy
from xinyong.records import service as records_service
from xinyong.records.models import CreditRecord
from xinyong.subjects.models import Subject, SubjectKind

# The catalog item of 失信被执行人 (court lists); counted apart from the other 政务失信 records.
JUDGMENT_DEBTOR = "sxbzxr"


class UnitKey:
    """How a government body maps to a unit: the column to group by and the join that yields it."""

    def __init__(self, key: Any, *, via_department: bool) -> None:
        self.key = key
        self.via_department = via_department

    def select_from(self, *columns: Any) -> Any:
        """Return ``select(key, *columns)`` over government bodies (joined to the register if needed)."""
        stmt = select(self.key.label("unit"), *columns).select_from(Subject)
        if self.via_department:
            return stmt.join(Department, Department.uscc == Subject.uscc)
        return stmt.where(Subject.kind == SubjectKind.GOVERNMENT.value)


AGENCY = UnitKey(Department.code, via_department=True)
COUNTY = UnitKey(Subject.region_code, via_department=False)


def city(code: str) -> UnitKey:
    """Return the key that puts every government body of the city into the one unit ``code``."""
    return UnitKey(literal(code), via_department=False)


def _grouped(rows: Iterable[Sequence[Any]], prefix: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    for unit, ref in rows:
        if unit is not None:
            out[str(unit)].append(f"{prefix}:{ref}")
    return out


def _count_rows(fact: str, units: Iterable[str], found: dict[str, list[str]]) -> list[FactRow]:
    return [(u, fact, float(len(found.get(u, []))), tuple(found.get(u, []))) for u in units]


def dishonesty(
    session: Session, unit: UnitKey, units: Sequence[str], start: dt.date, end: dt.date
) -> list[FactRow]:
    """Return ``gov_dishonest`` (negative records decided in the span) and ``judgment_debtor`` (失信被执行人
    entries in force at some point of the span) per unit, with the record ids."""
    base = unit.select_from(CreditRecord.id).join(CreditRecord, CreditRecord.subject_id == Subject.id)
    base = base.where(records_service.latest_only())
    negative = base.where(
        CreditRecord.polarity == "negative",
        CreditRecord.catalog_item != JUDGMENT_DEBTOR,
        CreditRecord.decision_on >= start,
        CreditRecord.decision_on <= end,
    )
    debtor = base.where(
        CreditRecord.catalog_item == JUDGMENT_DEBTOR,
        CreditRecord.decision_on <= end,
        or_(CreditRecord.valid_to.is_(None), CreditRecord.valid_to >= start),
    )
    return [
        *_count_rows("gov_dishonest", units, _grouped(session.execute(negative), "record")),
        *_count_rows("judgment_debtor", units, _grouped(session.execute(debtor), "record")),
    ]


def commitments_kept(
    session: Session, policy: Policy, unit: UnitKey, units: Sequence[str], start: dt.date, end: dt.date
) -> list[FactRow]:
    """Return ``commitments_kept``: of the bodies' commitments settled in the span, the share not breached.

    Settled: any status after the first (履约中); breached: the policy's ``breach_statuses``.
    """
    rules = commitments_service.rules_of(policy)
    units_of: dict[int, list[str]] = defaultdict(list)
    for unit_key, subject_id in session.execute(unit.select_from(Subject.id)).all():
        units_of[subject_id].append(str(unit_key))
    kept: dict[str, int] = defaultdict(int)
    refs: dict[str, list[str]] = defaultdict(list)
    for c in commitment_reads.of_subjects(session, units_of):
        if c.status == rules.statuses[0] or not start <= c.status_on <= end:
            continue
        for u in units_of[c.subject_id]:
            refs[u].append(f"commitment:{c.code}")
            kept[u] += c.status not in rules.breach_statuses
    return [
        (u, "commitments_kept", (kept[u] / len(refs[u])) if refs.get(u) else None, tuple(refs.get(u, [])))
        for u in units
    ]
