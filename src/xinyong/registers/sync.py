"""Load every register in ``policy/`` into the database: run by ``xinyong db upgrade`` and the demo.

Departments keep their own table (batches and records point at their ids); regions and sources are
entries of the generic register tables, as are the financial and credit-service institutions (信易贷,
授权查询). A register that ``policy/`` gains later is one more ``(name, builder)`` pair in ``REGISTERS``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from xinyong.departments import service as departments_service
from xinyong.ingest.sources import sources
from xinyong.objections import service as objections_service
from xinyong.policy.loader import Policy
from xinyong.registers import snapshots
from xinyong.registers.institutions import institutions_of
from xinyong.registers.service import Entry, sync_register
from xinyong.repair import service as repair_service
from xinyong.sanctions import service as sanctions_service


def region_entries(policy: Policy) -> tuple[str, list[Entry]]:
    """Return the regions of ``policy/regions.yaml``, former codes included (retired on ``until``)."""
    out: list[Entry] = []
    for r in policy.regions.regions:
        data = {"level": r.level, "parent": r.parent}
        out.append(Entry(r.code, r.name, None, None, data))
        out.extend(
            Entry(f.code, f.name, None, f.until, {**data, "successor": r.code}) for f in r.former_codes
        )
    return policy.regions.version, out


def source_entries(policy: Policy) -> tuple[str, list[Entry]]:
    """Return the feeds of ``policy/sources/`` (the version is each file's own, joined)."""
    out: list[Entry] = []
    for source in sorted(sources(policy).by_id.values(), key=lambda s: s.id):
        spec = source.spec
        data = {
            "version": spec.version,
            "catalog_item": spec.catalog_item,
            "department": spec.department,
            "departments": list(spec.departments),
            "department_by": list(spec.department_by),
            "formats": list(spec.formats),
        }
        out.append(Entry(spec.id, spec.name, spec.effective_from, spec.effective_to, data))
    return policy.short_hash, out


def institution_entries(policy: Policy) -> tuple[str, list[Entry]]:
    """Return the financial and credit-service institutions of ``policy/institutions.yaml``."""
    doc = institutions_of(policy)
    out = [
        Entry(
            i.code,
            i.name,
            None,
            i.effective_to,
            {"kind": i.kind, "region": i.region, "uscc": i.uscc, "licence": i.licence},
        )
        for i in doc.institutions
    ]
    return doc.version, out


# (register name, builder returning (policy version, entries))
REGISTERS: tuple[tuple[str, Callable[[Policy], tuple[str, list[Entry]]]], ...] = (
    ("region", region_entries),
    ("source", source_entries),
    ("institution", institution_entries),
)


def sync_all(session: Session, policy: Policy, *, actor: str, on: dt.date) -> dict[str, int]:
    """Bring every register in step with ``policy`` on ``on`` (the runtime's today); return changes per register.

    The running working-day clocks are recomputed too (``deadline``): a policy change may add a year's
    official holiday schedule, which moves deadlines first computed on the provisional calendar.
    """
    day = on
    counts = {"department": departments_service.sync_from_policy(session, policy, actor=actor, on=day)}
    counts["policy_snapshot"] = int(snapshots.keep(session, policy))  # the hash stored answers name
    for name, build in REGISTERS:
        version, found = build(policy)
        counts[name] = sync_register(
            session, name, found, policy=policy, policy_version=version, actor=actor, on=day
        )
    counts["deadline"] = sum(
        refresh(session, policy, actor=actor, today=day)
        for refresh in (
            repair_service.refresh_deadlines,
            objections_service.refresh_deadlines,
            sanctions_service.refresh_feedback_deadlines,
        )
    )
    return counts


def sync_database(engine: Engine, policy: Policy, *, actor: str, on: dt.date) -> dict[str, int]:
    """Sync every register in one committed transaction of its own (after ``db upgrade``)."""
    with Session(engine) as session, session.begin():
        return sync_all(session, policy, actor=actor, on=on)
