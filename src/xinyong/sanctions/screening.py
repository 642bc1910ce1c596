"""Name screening without a code: a name (and optionally region, legal representative) against the
lists and the subjects, with per-feature explanations and reviewer decisions excluded."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from xinyong.audit import service as audit
from xinyong.errors import Invalid
from xinyong.policy.loader import Policy
from xinyong.records.models import CreditRecord
from xinyong.sanctions.models import ScreenDecision
from xinyong.sanctions.names import NameParts, features, region_names, score, split_name
from xinyong.sanctions.resolve import region_code_of
from xinyong.sanctions.rules import measures_of
from xinyong.subjects.models import Subject


@dataclass(frozen=True)
class ScreenQuery:
    """The name asked about, with optional region and legal representative."""

    name: str
    region: str | None = None
    legal_rep: str | None = None


def _regions(policy: Policy) -> tuple[str, ...]:
    names = [r.name for r in policy.regions.regions]
    names += [f.name for r in policy.regions.regions for f in r.former_codes]
    return region_names([*names, *measures_of(policy).screening.region_prefixes])


def _like_terms(parts: NameParts) -> list[str]:
    core = parts.core
    terms = {core} if len(core) >= 2 else set()
    if len(core) >= 4:
        half = len(core) // 2
        terms |= {core[:half], core[half:]}
    return sorted(terms)


def screen(
    session: Session,
    policy: Policy,
    query: ScreenQuery,
    *,
    threshold: float | None = None,
    top_k: int | None = None,
) -> dict[str, Any]:
    """Return the candidates scoring at least ``threshold``, best first, each with its features."""
    rules = measures_of(policy).screening
    threshold = rules.threshold if threshold is None else threshold
    top_k = top_k or rules.top_k
    regions = _regions(policy)
    parts = split_name(query.name, regions)
    if not parts.core:
        raise Invalid("名称去掉地名和组织形式后为空", code="screen.empty_core")
    q_region_code = region_code_of(policy, query.region)
    q_region = policy.region_name(q_region_code) if q_region_code else query.region
    excluded = _reviewed_different(session, parts.norm)
    out: list[dict[str, Any]] = []

    def consider(
        kind: str, cid: int, name: str, region: str | None, rep: str | None, extra: dict[str, Any]
    ) -> None:
        if (kind, cid) in excluded:
            return
        cparts = split_name(name, regions)
        feats = features(
            parts, cparts, query_region=q_region, cand_region=region, query_rep=query.legal_rep, cand_rep=rep
        )
        s = score(feats, rules.weights)
        if s >= threshold:
            out.append({"kind": kind, "id": cid, "name": name, "score": s, "features": feats, **extra})

    for row in _subjects_like(session, parts, rules.candidate_limit):
        extra = {"code": row.uscc, "subject_kind": row.kind, "region_code": row.region_code}
        consider("subject", row.id, row.name, policy.region_name(row.region_code), row.legal_rep, extra)
    for rec_id, item, subject_id, name, rep, doc in _list_entries(session, policy, rules.list_items):
        extra = {"catalog_item": item, "subject_id": subject_id, "document_no": doc}
        consider("list", rec_id, name, None, rep, extra)
    out.sort(key=lambda c: (-c["score"], c["kind"], c["id"]))
    return {
        "query": {"name": query.name, "normalised": parts.norm, "core": parts.core, "region": q_region},
        "threshold": threshold,
        "excluded_by_review": len(excluded),
        "candidates": out[:top_k],
    }


def _reviewed_different(session: Session, norm: str) -> set[tuple[str, int]]:
    """Return the candidates a reviewer already found different from this name."""
    return {
        (kind, cid)
        for kind, cid in session.execute(
            select(ScreenDecision.candidate_kind, ScreenDecision.candidate_id).where(
                ScreenDecision.query_norm == norm, ScreenDecision.decision == "different"
            )
        )
    }


def _subjects_like(session: Session, parts: NameParts, limit: int) -> list[Any]:
    """Return the subjects whose normalised name equals the query's or contains one of its core terms."""
    conds = [Subject.name_norm == parts.norm, *(Subject.name_norm.like(f"%{t}%") for t in _like_terms(parts))]
    query = select(
        Subject.id, Subject.name, Subject.region_code, Subject.uscc, Subject.legal_rep, Subject.kind
    )
    return list(session.execute(query.where(or_(*conds)).limit(limit)).all())


def _list_entries(
    session: Session, policy: Policy, items: Iterable[str]
) -> Iterable[tuple[int, str, int, str, str | None, str | None]]:
    rows = session.execute(
        select(
            CreditRecord.id,
            CreditRecord.catalog_item,
            CreditRecord.subject_id,
            CreditRecord.payload,
            CreditRecord.document_no,
        ).where(CreditRecord.catalog_item.in_(list(items)))
    )
    for rid, item, subject_id, payload, doc in rows:
        roles = policy.catalog[item].roles
        name = (payload or {}).get(roles.get("subject_name", ""))
        if name:
            yield rid, item, subject_id, str(name), (payload or {}).get(roles.get("legal_rep", "")), doc


def screen_and_log(
    session: Session,
    policy: Policy,
    query: ScreenQuery,
    *,
    actor: str,
    threshold: float | None = None,
    top_k: int | None = None,
) -> dict[str, Any]:
    """Screen and write the audit entry for this non-public read."""
    result = screen(session, policy, query, threshold=threshold, top_k=top_k)
    audit.append(
        session,
        actor=actor,
        action="screen.run",
        object_type="screen",
        object_id=result["query"]["normalised"],
        detail={"candidates": [(c["kind"], c["id"]) for c in result["candidates"]]},
    )
    return result


def decide(
    session: Session,
    name: str,
    kind: str,
    candidate_id: int,
    decision: str,
    reason: str | None,
    *,
    actor: str,
) -> ScreenDecision:
    """Store (or replace) a reviewer's decision on a (name, candidate) pair."""
    from xinyong.kit.text import normalize_name

    norm = normalize_name(name)
    row = session.scalar(
        select(ScreenDecision).where(
            ScreenDecision.query_norm == norm,
            ScreenDecision.candidate_kind == kind,
            ScreenDecision.candidate_id == candidate_id,
        )
    )
    if row is None:
        row = ScreenDecision(
            query_norm=norm, candidate_kind=kind, candidate_id=candidate_id, decision=decision, actor=actor
        )
        session.add(row)
    row.decision, row.reason, row.actor = decision, reason, actor
    session.flush()
    audit.append(
        session,
        actor=actor,
        action="screen.decide",
        object_type="screen_decision",
        object_id=row.id,
        detail={"name": norm, "candidate": [kind, candidate_id], "decision": decision},
    )
    return row
