"""Disputes: a subject's file, score and measures as they stood on a day, and what changed since.

The officer handling an objection asks "what did the platform show and decide then?". Every part is the
capability's own answer for (on, known) — the credit file (``creditfile``), the evaluation
(``evaluation``), the check's measures (``sanctions``) — read as the caller (authorised, written to the
query log and the audit chain); nothing here decides anything, it only sets the two answers side by side
and compares the file section by section.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from xinyong.audit import service as audit
from xinyong.auth.principal import Principal
from xinyong.creditfile import service as creditfile_service
from xinyong.errors import XinyongError
from xinyong.evaluation import service as evaluation_service
from xinyong.kit.crypto import KeyRing
from xinyong.policy.loader import Policy
from xinyong.sanctions import service as sanctions_service
from xinyong.subjects import service as subjects_service
from xinyong.subjects.schemas import CreditFile, FileItem


@dataclass(frozen=True)
class Standing:
    """What the platform answered about the subject for one (on, known)."""

    on: dt.date
    known_at: dt.datetime | None
    file: CreditFile
    score: str | None  # "735 分（中等）", or None with ``score_note``
    score_note: str | None
    measures: list[str]  # "measure name（依据）" hit in the scenario


@dataclass
class SectionChange:
    """How one section of the file differs between then and now."""

    name: str
    then: int
    current: int
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class DisputeView:
    """The file, score and measures then and now, and the changes by section."""

    then: Standing
    current: Standing
    changes: list[SectionChange]
    measures_added: list[str]
    measures_removed: list[str]


def _score(
    session: Session,
    policy: Policy,
    principal: Principal,
    subject: Any,
    on: dt.date,
    known_at: dt.datetime | None,
) -> tuple[str | None, str | None]:
    try:
        body = evaluation_service.explain(
            session, policy, subject, principal, on, today=on, known_at=known_at
        )
    except XinyongError as exc:  # no model in force then, or no right to the score: say so
        return None, exc.message
    return f"{body['score']} 分（{body['grade']}）", None


def _measures(
    session: Session,
    policy: Policy,
    keys: KeyRing,
    principal: Principal,
    code: str,
    scenario: str,
    at: tuple[dt.date, dt.datetime | None],
) -> list[str]:
    if sanctions_service.uscc_like(code) is None:
        return []
    ctx = sanctions_service.CheckContext(principal, scenario, at[0], False, at[1])
    answer, _entry = sanctions_service.evaluate(
        session, policy, keys, [sanctions_service.Query(code=code)], ctx
    )
    hits = answer.results[0].get("hits", []) if answer.results else []
    return [f"{h['name']}（{'；'.join(h['basis'][:1])}）" for h in hits]


@dataclass(frozen=True)
class Ask:
    """Who looks at which subject, with which policy and keys, in which check scenario."""

    policy: Policy
    keys: KeyRing
    principal: Principal
    code: str
    scenario: str


def standing(session: Session, ask: Ask, *, on: dt.date, known_at: dt.datetime | None) -> Standing:
    """Return the file, score and measures of the subject as the platform answered for (on, known_at)."""
    policy, keys, principal, code = ask.policy, ask.keys, ask.principal, ask.code
    file = creditfile_service.build_credit_file(
        session, keys, policy, principal, code, on=on, known_at=known_at
    )
    subject = subjects_service.get_by_code(session, keys, code)
    score, note = _score(session, policy, principal, subject, on, known_at)
    measures = _measures(session, policy, keys, principal, code, ask.scenario, (on, known_at))
    return Standing(on, known_at, file, score, note, measures)


def _label(item: FileItem) -> str:
    doc = item.provenance.document_no or f"#{item.record_id}"
    return f"{item.catalog_name} {doc}"


def diff_sections(then: CreditFile, now: CreditFile) -> list[SectionChange]:
    """Compare two files section by section: records added, gone, or changed (version or disclosure)."""
    out = []
    now_sections = {s.name: s for s in now.sections}
    for s in then.sections:
        other = now_sections.get(s.name)
        before = {_label(i): i for i in s.items}
        after = {_label(i): i for i in other.items} if other else {}
        change = SectionChange(s.name, s.count, other.count if other else 0)
        change.added = sorted(k for k in after if k not in before)
        change.removed = sorted(k for k in before if k not in after)
        for k in sorted(set(before) & set(after)):
            b, a = before[k], after[k]
            if b.version != a.version:
                change.changed.append(f"{k}：第 {b.version} 版 → 第 {a.version} 版")
            elif b.disclosure.reason != a.disclosure.reason:
                change.changed.append(f"{k}：{b.disclosure.reason} → {a.disclosure.reason}")
        out.append(change)
    return out


def dispute_view(
    session: Session, ask: Ask, *, on: dt.date, known_at: dt.datetime | None, today: dt.date
) -> DisputeView:
    """Return the subject as it stood for (on, known_at) beside today, and the differences (audited)."""
    then = standing(session, ask, on=on, known_at=known_at)
    now = standing(session, ask, on=today, known_at=None)
    audit.append(
        session,
        actor=ask.principal.actor,
        action="timetravel.dispute_view",
        object_type="subject",
        object_id=subjects_service.get_by_code(session, ask.keys, ask.code).id,
        detail={
            "on": on.isoformat(),
            "known_at": known_at and known_at.isoformat(),
            "scenario": ask.scenario,
        },
    )
    return DisputeView(
        then,
        now,
        diff_sections(then.file, now.file),
        sorted(set(now.measures) - set(then.measures)),
        sorted(set(then.measures) - set(now.measures)),
    )
