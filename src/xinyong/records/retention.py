"""Retention purge (保存期满删除): delete what the law says must go, keep the audit of the deletion.

Negative records past the Zhejiang retention period (浙江条例第十六条: 5 years from the determination,
from the end of a custodial sentence, extended while the subject stays on a serious-dishonesty list) are
deleted with every version of the record and every row that depends on them; the end of retention is
``disclosure.retention_end`` (the one rule core), never derived here. Query logs past their
``keep_until`` (set from ``query_log_retention_years`` when written) go too.

Each page of records is deleted in its own transaction together with its ``retention.purge`` audit entry,
which keeps what the audit archive must keep: per ingest batch the ids and line hashes of the deleted
versions (a tombstone, so ``xinyong audit verify`` still accounts for every row the batch stored), and
the counts by kind. A purge killed midway leaves whole pages done and the rest untouched; running it again
carries on, and once nothing is due it deletes nothing (idempotent).

Rows of other capabilities that point at a deleted record are found from the schema's foreign keys: a
nullable reference is cleared, a required one is deleted with the record (recursively), and both are
counted by table.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Column, Table, delete, select, update
from sqlalchemy.orm import Session

from xinyong.audit import service as audit
from xinyong.auth import consent
from xinyong.db import Base
from xinyong.policy.loader import Policy
from xinyong.records import digest
from xinyong.records.digest import line_hash, row_line
from xinyong.records.models import CreditRecord
from xinyong.records.service import load_facts
from xinyong.rules.disclosure import NEGATIVE, retention_end

PAGE = 2000
ACTION = "retention.purge"


@dataclass
class PurgeReport:
    """What a purge deleted (or, dry, would delete), by kind."""

    on: dt.date
    dry_run: bool
    records: int = 0
    record_versions: int = 0
    query_logs: int = 0
    dependents: Counter[str] = field(default_factory=Counter)
    cleared: Counter[str] = field(default_factory=Counter)

    def to_dict(self) -> dict[str, Any]:
        """Return the report as JSON-ready data."""
        return {
            "on": self.on.isoformat(),
            "dry_run": self.dry_run,
            "records": self.records,
            "record_versions": self.record_versions,
            "query_logs": self.query_logs,
            "dependents": dict(self.dependents),
            "cleared": dict(self.cleared),
        }


def _references(target: Table) -> list[Column[Any]]:
    """Every column of the schema that is a foreign key to ``target``'s id."""
    out = []
    for table in Base.metadata.sorted_tables:
        for fk in table.foreign_keys:
            if fk.column.table is target:
                out.append(fk.parent)
    return out


def _delete_with_dependents(session: Session, table: Table, ids: list[int], report: PurgeReport) -> None:
    """Delete rows ``ids`` of ``table`` after clearing or deleting what refers to them."""
    for col in _references(table):
        if col.table is table and col.nullable:
            session.execute(update(table).where(col.in_(ids)).values({col.name: None}))
            continue
        ref_table = col.table
        if col.nullable:
            res = session.execute(update(ref_table).where(col.in_(ids)).values({col.name: None}))
            if res.rowcount:  # type: ignore[attr-defined]
                report.cleared[f"{ref_table.name}.{col.name}"] += res.rowcount  # type: ignore[attr-defined]
            continue
        pk = next(iter(ref_table.primary_key.columns))
        dep_ids = list(session.scalars(select(pk).where(col.in_(ids))))
        if dep_ids:
            _delete_with_dependents(session, ref_table, dep_ids, report)
            report.dependents[ref_table.name] += len(dep_ids)
    pk = next(iter(table.primary_key.columns))
    session.execute(delete(table).where(pk.in_(ids)))


def next_due(session: Session, policy: Policy, on: dt.date, after: int) -> tuple[list[str], int] | None:
    """Return the record keys past retention on ``on`` among the next versions after id ``after``, and
    the last id scanned (``None`` when nothing is left to scan). The newest version of a key decides."""
    while True:
        page = list(
            session.execute(
                select(CreditRecord.record_key, CreditRecord.id)
                .where(
                    CreditRecord.id > after,
                    CreditRecord.polarity == NEGATIVE,
                    CreditRecord.decision_on.is_not(None),
                    CreditRecord.decision_on < on,
                )
                .order_by(CreditRecord.id)
                .limit(PAGE)
            ).all()
        )
        if not page:
            return None
        after = int(page[-1][1])
        keys = {str(r[0]) for r in page}
        latest: dict[str, CreditRecord] = {
            r.record_key: r
            for r in session.scalars(
                select(CreditRecord).where(CreditRecord.record_key.in_(keys)).order_by(CreditRecord.version)
            )
        }
        facts = load_facts(session, list(latest.values()), policy)
        due = []
        for key, rec in latest.items():
            end = retention_end(facts[rec.id], policy)
            if end is not None and end <= on:
                due.append(key)
        session.expunge_all()
        if due:
            return sorted(due), after


def purge(
    sessions: Callable[[], Any],
    policy: Policy,
    *,
    on: dt.date,
    dry_run: bool = False,
    actor: str = "cli:retention",
) -> PurgeReport:
    """Purge what is past retention on ``on``; each page commits with its audit entry (``sessions()``
    yields a context-managed session that commits on success, e.g. ``db.session_scope``)."""
    report = PurgeReport(on=on, dry_run=dry_run)
    record_table = CreditRecord.__table__
    assert isinstance(record_table, Table)  # noqa: S101 - a mapped table
    after = 0
    while True:
        with sessions() as session:
            found = next_due(session, policy, on, after)
            if found is None:
                break
            page, after = found
            rows = session.execute(
                select(CreditRecord.batch_id, *digest.COLUMNS).where(CreditRecord.record_key.in_(page))
            ).all()
            report.records += len(page)
            report.record_versions += len(rows)
            if dry_run:
                continue
            _purge_page(session, policy, record_table, page, rows, report, on=on, actor=actor)
    _purge_query_logs(sessions, policy, report, on=on, dry_run=dry_run, actor=actor)
    return report


def _purge_page(
    session: Session,
    policy: Policy,
    record_table: Table,
    page: list[str],
    rows: Sequence[Any],
    report: PurgeReport,
    *,
    on: dt.date,
    actor: str,
) -> None:
    """Delete one page of records (every version, with their dependents) and audit it with tombstones."""
    tombstones: dict[str, dict[str, str]] = {}
    for row in rows:
        batch = "none" if row[0] is None else str(row[0])
        tombstones.setdefault(batch, {})[str(row[1])] = line_hash(row_line(row[1:]))
    before_dep, before_clr = Counter(report.dependents), Counter(report.cleared)
    ids = [int(r[1]) for r in rows]
    _delete_with_dependents(session, record_table, ids, report)
    audit.append(
        session,
        actor=actor,
        action=ACTION,
        object_type="credit_record",
        object_id=None,
        detail={
            "on": on.isoformat(),
            "basis": policy.retention.basis,
            "policy_hash": policy.hash,
            "records": len(page),
            "record_versions": len(rows),
            "dependents": dict(report.dependents - before_dep),
            "cleared": dict(report.cleared - before_clr),
            "tombstones": {k: v for k, v in tombstones.items() if k != "none"},
            "unbatched": tombstones.get("none", {}),
        },
    )


def _purge_query_logs(
    sessions: Callable[[], Any],
    policy: Policy,
    report: PurgeReport,
    *,
    on: dt.date,
    dry_run: bool,
    actor: str,
) -> None:
    """Delete the query logs past their own end of retention (fixed when written: query_log_retention_years)."""
    with sessions() as session:
        count = consent.purge_query_logs(session, on, dry_run=dry_run)
        report.query_logs = count
        if count and not dry_run:
            audit.append(
                session,
                actor=actor,
                action=ACTION,
                object_type="query_log",
                detail={"on": on.isoformat(), "basis": policy.retention.basis, "query_logs": count},
            )
