"""The 核查 check use cases: check subjects in a scenario, log and audit it, take feedback, summarise.

Batches are set-based: a handful of chunked ``IN`` queries per call, whatever the number of subjects;
the measures are compiled once per policy and held in memory.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, cast

import orjson
from sqlalchemy import Table, bindparam, select
from sqlalchemy.orm import Session

from xinyong.audit import service as audit
from xinyong.auth import consent
from xinyong.auth.access import query_log_keep_until
from xinyong.auth.principal import Principal
from xinyong.db import utcnow
from xinyong.db_prepared import Prepared, PreparedInsert, Reader, connection_of
from xinyong.departments.models import Department
from xinyong.errors import Invalid
from xinyong.kit import ids
from xinyong.kit.crypto import KeyRing
from xinyong.outbox import service as outbox_service
from xinyong.policy.loader import Policy
from xinyong.sanctions import answer, engine
from xinyong.sanctions.feedback import compliance as compliance
from xinyong.sanctions.feedback import refresh_feedback_deadlines as refresh_feedback_deadlines
from xinyong.sanctions.inputs import subject_facts, supervision_rule
from xinyong.sanctions.models import CheckHit, CheckLog
from xinyong.sanctions.probe import Inputs, gather
from xinyong.sanctions.resolve import Query as Query  # re-exported: a checked subject (code or name)
from xinyong.sanctions.resolve import Resolution
from xinyong.sanctions.resolve import uscc_like as uscc_like  # re-exported: the USCC shape test
from xinyong.sanctions.rules import Measures, measures_of
from xinyong.subjects import service as subjects_service
from xinyong.subjects.models import IdentifierScheme

_LOG = cast(Table, CheckLog.__table__)
_HIT = cast(Table, CheckHit.__table__)
_LOG_COLUMNS = (
    "check_id",
    "actor",
    "role",
    "department_id",
    "scenario",
    "checked_on",
    "subject_count",
    "hit_count",
    "reward_count",
    "subjects",
    "explain",
    "result_hash",
    "policy_hash",
    "created_at",
    "known_at",
)
_HIT_COLUMNS = ("check_id", "hit_no", "subject_id", "measure_id", "mandatory", "department_id", "due_on")
_LOG_INSERT = PreparedInsert(_LOG, _LOG_COLUMNS)
_HIT_INSERT = PreparedInsert(_HIT, _HIT_COLUMNS)
# 谁查询了我: a check reads each found subject's non-public grade, class and records (one row per subject)


def new_check_id() -> str:
    """Return a new check id: 12 hex digits of Unix milliseconds, then 80 random bits (32 characters).

    Ids sort by time, so the log's unique index grows at its end instead of being written at random.
    """
    return f"{time.time_ns() // 1_000_000:012x}{os.urandom(10).hex()}"


_DEPT_CODES: dict[tuple[int, int], str | None] = {}
_DEPT_CODE = Prepared(select(Department.__table__.c.code).where(Department.__table__.c.id == bindparam("id")))


def _department_code(db: Reader, department_id: int | None) -> str | None:
    """Return a department's code (an id's code never changes: kept per database)."""
    if department_id is None:
        return None
    conn = connection_of(db)
    key = (id(conn.engine), department_id)
    if key not in _DEPT_CODES:
        rows = _DEPT_CODE.all(conn, {"id": department_id})
        _DEPT_CODES[key] = rows[0][0] if rows else None
    return _DEPT_CODES[key]


@dataclass(frozen=True)
class CheckContext:
    """Who checks, in which scenario, on which day."""

    principal: Principal
    scenario: str
    on: dt.date
    explain: bool = False
    known_at: dt.datetime | None = None  # a check of the past: what was known then (``records.asof``)


def _trigger_items(measures: Measures, scenario: str) -> set[str]:
    cached = measures.trigger_items.get(scenario)
    if cached is not None:
        return cached
    items: set[str] = set()
    for cm in measures.by_scenario.get(scenario, ()):
        for t in (*cm.measure.triggers, *cm.measure.exclusions):
            items.update(t.catalog_items)
    measures.trigger_items[scenario] = items
    return items


def logged_code(keys: KeyRing, code: str) -> str:
    """Return a code as the check log keeps it: an ID number masked with its blind index, others as given.

    The log must show which person was checked without holding the number (``330102********4568#<index>``;
    the index is the same keyed HMAC as the subject's identifier row, so an auditor holding the number
    can find the entries). The cheap shape test first: most codes are USCCs, which carry letters.
    """
    if not code[:15].isdigit() or len(code) not in (15, 18) or not ids.is_valid_ric(code):
        return code
    index = subjects_service.identifier_lookup(keys, IdentifierScheme.ID_CARD, code)
    return f"{ids.mask_ric(ids.validate_ric(code))}#{index}"


def _reads(
    policy: Policy,
    p: Principal,
    resolutions: Sequence[Resolution],
    scenario: str,
    label: str,
    at: dt.datetime,
) -> list[tuple[Any, ...]]:
    """Return the query-log rows of a check: one per subject found, so it appears in 谁查询了我."""
    seen = {r.subject.subject_id for r in resolutions if r.subject is not None}
    if not seen:
        return []
    keep = query_log_keep_until(policy, at.date())  # kept from the day of the query (第二十条)
    return [
        (at, p.actor, p.role.value, p.organisation, sid, "check", label, "duty", scenario[:64], 1, keep)
        for sid in sorted(seen)
    ]


@dataclass(frozen=True)
class CheckAnswer:
    """The answer: header fields and per-subject results, serialised once (the hash covers those bytes).

    ``result_hash`` is the SHA-256 of the ``results`` array exactly as it appears in the response body
    (compact UTF-8 JSON, the same bytes as ``json.dumps(results, ensure_ascii=False, separators=(",", ":"))``).
    """

    header: dict[str, Any]
    results: list[dict[str, Any]]
    results_json: bytes

    def to_dict(self) -> dict[str, Any]:
        """Return the answer as one dictionary."""
        return {**self.header, "results": self.results}

    def to_bytes(self) -> bytes:
        """Return the JSON body without serialising the results a second time."""
        return orjson.dumps(self.header)[:-1] + b',"results":' + self.results_json + b"}"


@dataclass
class LogEntry:
    """What a check writes: its log row, its numbered hits, its audit entry and the records it handed out.

    ``delivered`` lists ``(record_id, recipient, check_id)`` for every record shown as evidence, so that
    a later repair or objection outcome notifies the parties that received the record
    (``xinyong.outbox.service.recipients_of_record``).
    """

    log: dict[str, Any]
    hits: list[dict[str, Any]]
    audit: audit.AuditEntry
    delivered: list[tuple[int, str, str | None]] = field(default_factory=list)
    reads: list[tuple[Any, ...]] = field(
        default_factory=list
    )  # query-log rows (``consent.READ_LOG_COLUMNS``)


@dataclass
class _Tally:
    """What the results of a check add up to: its numbered hits, rewards and the records shown."""

    hit_rows: list[dict[str, Any]] = field(default_factory=list)
    delivered: set[int] = field(default_factory=set)
    rewards: int = 0


def evaluate(
    db: Reader, policy: Policy, keys: KeyRing, queries: Sequence[Query], ctx: CheckContext
) -> tuple[CheckAnswer, LogEntry]:
    """Check subjects in a scenario; return the answer and the log entry the caller must persist."""
    # the instant the answer is made with: stored, so the check can be recomputed (``records.asof``)
    known_at = ctx.known_at or utcnow()
    measures = measures_of(policy)
    scenario = _scenario(measures, queries, ctx)
    rule = supervision_rule(policy, _department_code(db, ctx.principal.department_id), ctx.on)
    got = gather(db, keys, policy, queries, ctx.on, _trigger_items(measures, scenario), rule, ctx.known_at)
    tally = _Tally()
    results = [
        _result(policy, measures, scenario, ctx, q, res, got, tally)
        for q, res in zip(queries, got.resolutions, strict=True)
    ]
    results_json = orjson.dumps(results)
    result_hash = hashlib.sha256(results_json).hexdigest()
    check_id = new_check_id()
    due = answer.due_on(policy, ctx.on, measures.rules.feedback_deadline_workdays) if tally.hit_rows else None
    for n, r in enumerate(tally.hit_rows, start=1):
        r.update(check_id=check_id, hit_no=n, department_id=ctx.principal.department_id, due_on=due)
    label = measures.label(scenario)
    entry = _log_entry(
        policy, keys, queries, ctx, scenario, label, check_id, result_hash, tally, got.resolutions
    )
    entry.log["known_at"] = known_at
    header = {
        "check_id": check_id,
        "scenario": scenario,
        "scenario_label": label,
        "checked_on": ctx.on.isoformat(),
        "due_on": due.isoformat() if due else None,
        **answer.due_marks(policy, due, bool(tally.hit_rows)),
        "policy_hash": policy.hash,
        "result_hash": result_hash,
    }
    if ctx.known_at is not None:
        header["known_at"] = ctx.known_at.isoformat()
    return CheckAnswer(header, results, results_json), entry


def _scenario(measures: Measures, queries: Sequence[Query], ctx: CheckContext) -> str:
    """Return the scenario checked, refusing an unknown one, an empty batch and an oversized one."""
    scenario = measures.scenario(ctx.scenario)
    if scenario is None:
        raise Invalid(
            f"未知核查场景：{ctx.scenario}", code="check.bad_scenario", scenarios=list(measures.by_scenario)
        )
    if not queries:
        raise Invalid("须至少提供一个主体", code="check.empty")
    if len(queries) > measures.rules.max_batch:
        raise Invalid(f"一次最多核查 {measures.rules.max_batch} 个主体", code="check.too_many")
    return scenario


def _result(
    policy: Policy,
    measures: Measures,
    scenario: str,
    ctx: CheckContext,
    q: Query,
    res: Resolution,
    got: Inputs,
    tally: _Tally,
) -> dict[str, Any]:
    """Return the result of one query: its subject, the measures it hits and the rewards it earns."""
    item = answer.query_json(q, res)
    if res.subject is None:
        return item
    sid = res.subject.subject_id
    grade, klass, grade_model = got.grades.get(sid, (None, None, None))
    facts_of = subject_facts(
        sid, got.facts.get(sid, ()), (grade, klass, grade_model), got.breaches.get(sid, ())
    )
    outcome = engine.match(measures, scenario, facts_of, ctx.on, explain=ctx.explain)
    hits = []
    for h in outcome.hits:
        tally.hit_rows.append(
            {"subject_id": sid, "measure_id": h.measure.measure.id, "mandatory": h.mandatory}
        )
        hits.append({"hit_no": len(tally.hit_rows), **answer.hit_json(policy.hash, h)})
    tally.rewards += len(outcome.rewards)
    for h in (*outcome.hits, *outcome.rewards):
        tally.delivered.update(e.record_id for e in h.evidence if e.record_id is not None)
    until = outcome.commitment_suspended_until
    item.update(
        subject=answer.subject_json(res),
        hits=hits,
        rewards=[answer.hit_json(policy.hash, h) for h in outcome.rewards],
        grade=grade,
        grade_model=grade_model,
        supervision_class=klass,
        commitment={
            "eligible": outcome.commitment_eligible,
            "suspended_until": until.isoformat() if until else None,
        },
    )
    if ctx.explain:
        item["explanations"] = [
            {"measure_id": e.measure_id, "applied": e.applied, "reason": e.reason}
            for e in outcome.explanations
        ]
    return item


def _log_entry(
    policy: Policy,
    keys: KeyRing,
    queries: Sequence[Query],
    ctx: CheckContext,
    scenario: str,
    label: str,
    check_id: str,
    result_hash: str,
    tally: _Tally,
    resolutions: Sequence[Resolution],
) -> LogEntry:
    """Return what the check writes: its log row, hits, records handed out, query-log rows and audit entry."""
    p = ctx.principal
    created_at = utcnow()
    return LogEntry(
        log={
            "check_id": check_id,
            "actor": p.actor,
            "role": p.role.value,
            "department_id": p.department_id,
            "scenario": scenario,
            "checked_on": ctx.on,
            "subject_count": len(queries),
            "hit_count": len(tally.hit_rows),
            "reward_count": tally.rewards,
            "subjects": [logged_code(keys, q.code) if q.code else q.name for q in queries],
            "explain": ctx.explain,
            "result_hash": result_hash,
            "policy_hash": policy.hash,
            "created_at": created_at,
        },
        hits=tally.hit_rows,
        delivered=[(rid, outbox_service.recipient_of(p), check_id) for rid in sorted(tally.delivered)],
        reads=_reads(policy, p, resolutions, scenario, label, created_at),
        audit=audit.AuditEntry(
            actor=p.actor,
            action="check.run",
            object_type="check",
            object_id=check_id,
            detail={
                "scenario": scenario,
                "subjects": len(queries),
                "hits": len(tally.hit_rows),
                "result_hash": result_hash,
            },
        ),
    )


def persist(db: Reader, entries: Sequence[LogEntry]) -> None:
    """Write check logs, hits, delivered records and audit entries in the caller's transaction (set-based)."""
    if not entries:
        return
    conn = connection_of(db)
    _LOG_INSERT.many(conn, [tuple(e.log[c] for c in _LOG_COLUMNS) for e in entries])
    _HIT_INSERT.many(conn, [tuple(h[c] for c in _HIT_COLUMNS) for e in entries for h in e.hits])
    delivered = [d for e in entries for d in e.delivered]
    if delivered:
        outbox_service.log_deliveries(conn, delivered, channel="check", at=entries[0].log["created_at"])
    consent.READ_LOG.many(conn, [r for e in entries for r in e.reads])
    audit.append_many(conn, [e.audit for e in entries])


def check(
    session: Session, policy: Policy, keys: KeyRing, queries: Sequence[Query], ctx: CheckContext
) -> dict[str, Any]:
    """Check subjects and log the check in the caller's transaction (CLI and other synchronous callers)."""
    answer, entry = evaluate(session, policy, keys, queries, ctx)
    persist(session, [entry])
    return answer.to_dict()


def recent_checks(session: Session, *, department_id: int | None = None, limit: int = 50) -> list[CheckLog]:
    """Return the latest checks, of one department or all."""
    stmt = select(CheckLog).order_by(CheckLog.id.desc()).limit(limit)
    if department_id is not None:
        stmt = stmt.where(CheckLog.department_id == department_id)
    return list(session.scalars(stmt))


def scenarios(policy: Policy) -> list[tuple[str, str]]:
    """Return the check scenarios as (code, Chinese label), in policy order."""
    return [(s.code, s.label) for s in measures_of(policy).rules.scenarios]
