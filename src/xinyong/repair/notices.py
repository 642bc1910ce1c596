"""两书同达: the repair notice (信用修复告知书) generated with each new penalty or listing record.

The notice tells the subject when it may apply for repair (the earliest date under the regime in force),
when publication ends by itself, what to provide, and that repair is free. Notices are stored once per
record as a narrow row (addressee, document number, dates, regime) pointing at a shared body
(``repair_notice_body``); the text and HTML are rendered when viewed. The set-based issuing of a batch's
notices is ``xinyong.repair.notice_batch.issue_notices_for_new_penalties``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from typing import cast

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from xinyong.audit import service as audit
from xinyong.db import utcnow
from xinyong.departments.models import Department
from xinyong.errors import NotFound
from xinyong.policy.loader import Policy
from xinyong.records.models import CreditRecord
from xinyong.repair.eligibility import Eligibility, assess
from xinyong.repair.models import RepairNotice, RepairNoticeBody
from xinyong.repair.notice_text import (
    FREE,
    NoticeBody,
    NoticeContent,
    effect,
    how_to_apply,
    render_html,
    render_text,
)
from xinyong.repair.queries import RecordLike, record_facts
from xinyong.repair.workflows import workflows
from xinyong.rules.facts import RecordFacts
from xinyong.rules.windows import ChannelWindow, windows
from xinyong.subjects.models import Subject


def compose(
    session: Session, record: CreditRecord, subject: Subject, department: Department | None, policy: Policy
) -> tuple[NoticeContent, dt.date | None, dt.date | None, str | None]:
    """Compose a notice for a record; return it with the earliest repair date, publication end and regime."""
    facts = dataclasses.replace(record_facts(session, policy, record), events=(), other_lists=())
    return _compose(record, subject.name, department.name if department is not None else None, facts, policy)


def _compose(
    record: RecordLike,
    subject_name: str,
    department_name: str | None,
    facts: RecordFacts,
    policy: Policy,
    verdicts: dict[RecordFacts, Eligibility] | None = None,
) -> tuple[NoticeContent, dt.date | None, dt.date | None, str | None]:
    wf = workflows(policy).repair
    start = record.decision_on or dt.date.min
    key = dataclasses.replace(facts, record_id=None)  # no other lists: the verdict ignores the id
    verdict = verdicts.get(key) if verdicts is not None else None
    if verdict is None:
        verdict = assess(facts, start, policy)
        if verdicts is not None:
            verdicts[key] = verdict
    dept = department_name or "作出认定的部门"
    paras, publication_end = _publicity_paragraphs(facts, policy, start)
    codes = verdict.codes
    earliest = verdict.earliest_on
    if "repair.not_published" in codes:
        paras.append("该处罚依规不予公示，无需申请信用修复。")
        earliest = None
    elif "repair.no_early_stop" in codes:
        paras.append("该类处罚依规不得提前停止公示，期满后自动停止公示。")
        earliest = None
    elif earliest is not None:
        after = effect(facts.natural_person and not policy.retention.natural_person_public)
        paras.append(
            f"您在纠正失信行为、履行法定义务后，自 {earliest} 起可申请信用修复"
            f"（{verdict.mode_label}）；修复后将{after}。"
        )
    paras.append(how_to_apply(dept, wf.accept_workdays, wf.decide_workdays))
    paras.append(FREE)
    mode_label = verdict.mode_label or "信用修复"
    content = NoticeContent(
        title="信用修复告知书",
        subject_name=subject_name,
        document_no=record.document_no or record.record_key,
        department=dept,
        decision_on=str(record.decision_on or ""),
        mode_label=mode_label,
        paragraphs=tuple(paras),
        materials=tuple(m.label for m in verdict.materials if m.required),
    )
    return content, earliest, publication_end, verdict.regime_id


def _publicity_paragraphs(
    facts: RecordFacts, policy: Policy, start: dt.date
) -> tuple[list[str], dt.date | None]:
    """State the record's window on this platform and, for information, on the other channels.

    A natural person's information is not public (浙江条例第十五条): no window is stated at all.
    """
    found = windows(facts, policy)
    platform = found.pop(policy.channels.platform, None)
    if platform is None:
        return [], None
    head = f"依据《{platform.regime_name}》，该信息属于{platform.severity}失信信息"
    if facts.natural_person and not policy.retention.natural_person_public:
        return [f"{head}。自然人信用信息不向社会公开，仅用于政务共享和依法授权查询。"], None
    end = platform.end if platform.published else None
    if end is None:
        paras = [f"{head}；{platform.reason}。"]
    else:
        where = platform.channel_name
        paras = [f"{head}，自 {start} 起在{where}公示，最长公示至 {end}，届满后自动停止公示。"]
    paras.extend(_other_channel(w) for w in found.values())
    return paras, end


def _other_channel(w: ChannelWindow) -> str:
    if w.published and w.end is not None:
        return f"该处罚同时在{w.channel_name}公示：依据《{w.regime_name}》公示至 {w.end}（提前停止公示由作出处罚的部门依该规定办理）。"
    return f"{w.channel_name}：{w.reason}。"


__all__ = [
    "NoticeBody",
    "NoticeContent",
    "applies",
    "compose",
    "issue_notice",
    "notice_for",
    "render_html",
    "render_text",
    "store_bodies",
]


def store_bodies(
    session: Session, policy: Policy, bodies: Iterable[NoticeBody], known: dict[NoticeBody, int]
) -> dict[NoticeBody, int]:
    """Return body → id for ``bodies``, inserting those not stored yet (one look-up, one ``executemany``).

    ``known`` caches the ids of a run (updated in place).
    """
    wanted = {b.sha256(): b for b in bodies if b not in known}
    if wanted:
        table = cast("Table", RepairNoticeBody.__table__)
        conn = session.connection()
        shas = list(wanted)

        def lookup() -> None:
            for i in range(0, len(shas), 500):
                part = shas[i : i + 500]
                rows = conn.execute(select(table.c.id, table.c.sha256).where(table.c.sha256.in_(part)))
                for body_id, sha in rows:
                    known[wanted[sha]] = body_id

        lookup()
        now = utcnow()
        missing = [
            {
                "sha256": sha,
                "title": b.title,
                "department": b.department,
                "decision_on": b.decision_on,
                "mode_label": b.mode_label,
                "paragraphs": list(b.paragraphs),
                "materials": list(b.materials),
                "policy_hash": policy.hash,
                "created_at": now,
            }
            for sha, b in wanted.items()
            if b not in known
        ]
        if missing:
            conn.execute(table.insert(), missing)
            lookup()
    return known


def applies(policy: Policy, record: RecordLike) -> bool:
    """Tell whether a record gets a repair notice: a negative penalty or listing (两书同达)."""
    return record.catalog_item in workflows(policy).repair.notice_items and record.polarity == "negative"


def issue_notice(
    session: Session, policy: Policy, record: CreditRecord, *, actor: str
) -> RepairNotice | None:
    """Generate and store the notice of one record once; ``None`` if its item gets none."""
    if not applies(policy, record):
        return None
    existing = session.scalar(select(RepairNotice).where(RepairNotice.record_id == record.id))
    if existing is not None:
        return existing
    subject = session.get(Subject, record.subject_id)
    if subject is None:
        raise NotFound("记录所属主体不存在", code="subject.not_found")
    content, earliest, end, regime_id = compose(
        session, record, subject, session.get(Department, record.department_id), policy
    )
    body_id = store_bodies(session, policy, [content.body], {})[content.body]
    notice = RepairNotice(
        record_id=record.id,
        subject_id=record.subject_id,
        department_id=record.department_id,
        batch_id=record.batch_id,
        regime_id=regime_id,
        earliest_repair_on=earliest,
        publication_end_on=end,
        body_id=body_id,
        subject_name=content.subject_name,
        document_no=content.document_no,
        policy_hash=policy.hash,
    )
    session.add(notice)
    session.flush()
    audit.append(
        session,
        actor=actor,
        action="repair.notice.issue",
        object_type="repair_notice",
        object_id=notice.id,
        detail={"record_id": record.id, "earliest_repair_on": str(earliest) if earliest else None},
    )
    return notice


def notice_for(session: Session, policy: Policy, record_id: int, *, actor: str) -> RepairNotice:
    """Return the stored notice of a record, generating it if missing."""
    record = session.get(CreditRecord, record_id)
    if record is None:
        raise NotFound(f"信用记录 {record_id} 不存在", code="record.not_found")
    notice = issue_notice(session, policy, record, actor=actor)
    if notice is None:
        raise NotFound("该记录不适用信用修复告知书", code="repair.notice_not_applicable")
    return notice
