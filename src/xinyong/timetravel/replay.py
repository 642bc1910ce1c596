"""Recompute stored answers from (on, known, policy hash) and compare them byte for byte.

A check is stored with its valid date (``checked_on``), the instant it was answered with (``known_at``),
the policy hash and the SHA-256 of its ``results`` bytes; an evaluation run with its ``as_of``,
``known_at``, hash and each subject's score, grade and points. Recomputing means: resolve the hash to the
policy tree kept for it (``registers.service.policy_of_hash``), read only what was received by ``known_at``
(``records.asof``), run the same code, and compare. Where the law deleted a record since (retention
purge), the answer cannot come back, and the comparison says so instead of pretending.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy.orm import Session

from xinyong.auth.principal import Principal, Role
from xinyong.errors import XinyongError
from xinyong.evaluation import service as evaluation_service
from xinyong.kit.crypto import KeyRing
from xinyong.policy.loader import Policy
from xinyong.registers import service as registers_service
from xinyong.sanctions import service as sanctions_service

IDENTICAL, DIFFERENT, SKIPPED = "identical", "different", "skipped"
STATUS_LABELS = {IDENTICAL: "一致", DIFFERENT: "不一致", SKIPPED: "未重算"}


@dataclass(frozen=True)
class Replayed:
    """One stored answer recomputed: what was stored, what came out, and the verdict (reason in Chinese)."""

    kind: str  # "check" or "evaluation"
    ref: str
    stored: str
    recomputed: str | None
    status: str
    reason: str | None = None


def _policy(session: Session, current: Policy, wanted: str, cache_dir: Path) -> Policy:
    return registers_service.policy_of_hash(session, current, wanted, cache_dir)


def replay_check(session: Session, current: Policy, keys: KeyRing, log: Any, cache_dir: Path) -> Replayed:
    """Recompute one stored check (a ``CheckLog``) and compare its ``results`` hash."""
    ref = str(log.check_id)
    codes = [str(c) for c in log.subjects]
    if log.known_at is None or not all(sanctions_service.uscc_like(c) for c in codes):
        # a name query's region, or a person's number, is not kept in the log (by design): no replay
        return Replayed(
            "check", ref, log.result_hash, None, SKIPPED, "日志未保存完整的查询条件（按名称或身份证号核查）"
        )
    try:
        policy = _policy(session, current, log.policy_hash, cache_dir)
    except XinyongError as exc:
        return Replayed("check", ref, log.result_hash, None, SKIPPED, exc.message)
    username = str(log.actor).split(":", 1)[-1]
    principal = Principal(role=Role(log.role), username=username, department_id=log.department_id)
    ctx = sanctions_service.CheckContext(
        principal, log.scenario, log.checked_on, bool(log.explain), log.known_at
    )
    queries = [sanctions_service.Query(code=c) for c in codes]
    answer, _entry = sanctions_service.evaluate(session, policy, keys, queries, ctx)
    got = str(answer.header["result_hash"])
    return Replayed("check", ref, log.result_hash, got, IDENTICAL if got == log.result_hash else DIFFERENT)


def result_bytes(score: Any, grade: Any, points: Any, model_id: Any, version: Any, objections: Any) -> bytes:
    """Return the bytes compared for one evaluated subject (sorted keys, compact JSON)."""
    row = {"score": score, "grade": grade, "points": points, "model": model_id, "version": version}
    return orjson.dumps({**row, "objections": objections}, option=orjson.OPT_SORT_KEYS)


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def replay_run(
    session: Session, current: Policy, run: Any, cache_dir: Path, *, sample: int
) -> list[Replayed]:
    """Recompute a sample of one evaluation run's stored results with the single-subject engine."""
    rows = evaluation_service.results_of(session, run.id, limit=sample)
    if run.known_at is None:
        return [Replayed("evaluation", f"{run.id}", "", None, SKIPPED, "批次未记录交易时间截点")]
    try:
        policy = _policy(session, current, run.policy_hash, cache_dir)
    except XinyongError as exc:
        return [Replayed("evaluation", f"{run.id}", run.policy_hash, None, SKIPPED, exc.message)]
    out = []
    for row in rows:
        ref = f"{run.id}/{row.subject_id}"
        stored = result_bytes(
            row.score, row.grade, row.points, row.model_id, row.model_version, row.objections
        )
        found = evaluation_service.evaluate_one(session, policy, row.subject_id, run.as_of, run.known_at)
        if found is None:
            out.append(
                Replayed("evaluation", ref, _digest(stored), None, DIFFERENT, "重算时没有适用的评价模型")
            )
            continue
        got = result_bytes(
            found.score,
            found.grade,
            found.points,
            found.model_id,
            found.model_version,
            len(found.objection_records),
        )
        out.append(
            Replayed(
                "evaluation", ref, _digest(stored), _digest(got), IDENTICAL if got == stored else DIFFERENT
            )
        )
    return out


def replay_sample(
    session: Session, current: Policy, keys: KeyRing, cache_dir: Path, *, checks: int, runs: int, per_run: int
) -> list[Replayed]:
    """Recompute the latest ``checks`` stored checks and ``per_run`` results of the latest ``runs`` runs."""
    registers_service.keep_policy_snapshot(session, current)
    out = [
        replay_check(session, current, keys, log, cache_dir)
        for log in sanctions_service.recent_checks(session, limit=checks)
    ]
    for run in evaluation_service.recent_runs(session, limit=runs):
        out.extend(replay_run(session, current, run, cache_dir, sample=per_run))
    return out
