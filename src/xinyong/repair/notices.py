"""两书同达: the repair notice (信用修复告知书) generated with each new penalty or listing record.

The notice tells the subject when it may apply for repair (the earliest date under the regime in force),
when publication ends by itself, what to provide, and that repair is free. ``issue_notices_for_new_penalties``
is the hook the ingest side calls after loading a batch; notices are stored once per record.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import html
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Row, Table, exists, select
from sqlalchemy.orm import Session

from xinyong.audit import service as audit
from xinyong.db import utcnow
from xinyong.departments.models import Department
from xinyong.errors import NotFound
from xinyong.policy.loader import Policy
from xinyong.records.models import CreditRecord
from xinyong.repair.eligibility import Eligibility, assess
from xinyong.repair.facts import RecordFacts
from xinyong.repair.models import RepairNotice
from xinyong.repair.queries import RecordLike, notice_facts, record_facts, repeat_violations
from xinyong.repair.workflows import workflows
from xinyong.subjects.models import Subject


@dataclass(frozen=True)
class NoticeContent:
    """What a notice says."""

    title: str
    subject_name: str
    document_no: str
    department: str
    decision_on: str
    mode_label: str
    paragraphs: tuple[str, ...]
    materials: tuple[str, ...]


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
    paras: list[str] = []
    if verdict.regime_name:
        paras.append(
            f"依据《{verdict.regime_name}》，该信息属于{verdict.severity}失信信息，"
            f"自 {start} 起公示，最长公示至 {verdict.publication_end}，届满后自动停止公示。"
        )
    codes = verdict.codes
    earliest = verdict.earliest_on
    if "repair.not_published" in codes:
        paras.append("该处罚依规不予公示，无需申请信用修复。")
        earliest = None
    elif "repair.no_early_stop" in codes:
        paras.append("该类处罚依规不得提前停止公示，期满后自动停止公示。")
        earliest = None
    elif earliest is not None:
        paras.append(
            f"您在纠正失信行为、履行法定义务后，自 {earliest} 起可申请信用修复"
            f"（{verdict.mode_label}）；修复后将终止公示，并停止共享和使用该信息。"
        )
    paras.append(
        f"申请方式：登录本平台在线提交（信用修复申请），或到政务服务大厅窗口办理。申请由{dept}办理（谁认定、谁修复），"
        f"{wf.accept_workdays} 个工作日内决定是否受理，受理后 {wf.decide_workdays} 个工作日内作出决定。"
    )
    paras.append("信用修复不收取任何费用；任何机构以付费删除、代理修复为名收费的，请向信用主管部门举报。")
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
    return content, earliest, verdict.publication_end, verdict.regime_id


def render_text(c: NoticeContent) -> str:
    """Render a notice as plain text."""
    lines = [
        c.title,
        "",
        f"{c.subject_name}：",
        f"    本机关于 {c.decision_on} 作出 {c.document_no} 号决定。",
    ]
    lines += [f"    {p}" for p in c.paragraphs]
    if c.materials:
        lines.append("    申请材料：" + "；".join(c.materials) + "。")
    lines += ["", c.department, c.decision_on]
    return "\n".join(lines) + "\n"


def render_html(c: NoticeContent) -> str:
    """Render a notice as a small HTML document (escaped)."""
    e = html.escape
    body = "".join(f"<p>{e(p)}</p>" for p in c.paragraphs)
    mats = "".join(f"<li>{e(m)}</li>" for m in c.materials)
    return (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
        f'<title>{e(c.title)}</title></head><body><article class="repair-notice">'
        f"<h1>{e(c.title)}</h1><p>{e(c.subject_name)}：</p>"
        f"<p>本机关于 {e(c.decision_on)} 作出 {e(c.document_no)} 号决定。</p>{body}"
        + (f"<p>申请材料：</p><ul>{mats}</ul>" if mats else "")
        + f'<p class="sign">{e(c.department)}<br>{e(c.decision_on)}</p></article></body></html>'
    )


def issue_notice(
    session: Session, policy: Policy, record: CreditRecord, *, actor: str
) -> RepairNotice | None:
    """Generate and store the notice of one record once; ``None`` if its item gets none."""
    if record.catalog_item not in workflows(policy).repair.notice_items or record.polarity != "negative":
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
    text = render_text(content)
    notice = RepairNotice(
        record_id=record.id,
        subject_id=record.subject_id,
        department_id=record.department_id,
        batch_id=record.batch_id,
        regime_id=regime_id,
        earliest_repair_on=earliest,
        publication_end_on=end,
        text=text,
        html=render_html(content),
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
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


NOTICE_PAGE = 2_000


def issue_notices_for_new_penalties(
    session: Session,
    policy: Policy,
    since_batch_id: int | None = None,
    *,
    actor: str = "system:notices",
    limit: int | None = 10_000,
    batch_id: int | None = None,
) -> int:
    """Issue notices for new penalty/listing records without one (batches after ``since_batch_id``).

    ``batch_id`` restricts the run to one batch (the ingest calls it so for the batch it stored, with no
    limit). Set-based: records are read a page at a time as plain rows, the repeat-violation facts come
    from one self-join per page, each distinct set of facts is assessed once, and a page's notices are
    inserted with one ``executemany`` and audited with one entry.
    """
    items = workflows(policy).repair.notice_items
    cols = (
        CreditRecord.id,
        CreditRecord.record_key,
        CreditRecord.catalog_item,
        CreditRecord.polarity,
        CreditRecord.subject_id,
        CreditRecord.department_id,
        CreditRecord.batch_id,
        CreditRecord.document_no,
        CreditRecord.decision_on,
        CreditRecord.severity,
        CreditRecord.payload,
        Subject.name.label("subject_name"),
    )
    q = (
        select(*cols)
        .join(Subject, Subject.id == CreditRecord.subject_id)
        .where(
            CreditRecord.catalog_item.in_(items),
            CreditRecord.polarity == "negative",
            ~exists().where(RepairNotice.record_id == CreditRecord.id),
        )
    )
    if since_batch_id is not None:
        q = q.where(CreditRecord.batch_id > since_batch_id)
    if batch_id is not None:
        q = q.where(CreditRecord.batch_id == batch_id)
    departments = {d.id: (d.name, d.domain) for d in session.scalars(select(Department))}
    verdicts: dict[RecordFacts, Eligibility] = {}
    count, last = 0, 0
    while limit is None or count < limit:
        size = NOTICE_PAGE if limit is None else min(NOTICE_PAGE, limit - count)
        page = session.execute(q.where(CreditRecord.id > last).order_by(CreditRecord.id).limit(size)).all()
        if not page:
            break
        last = page[-1].id
        count += _issue_page(session, policy, page, departments, verdicts, actor=actor)
    return count


def _issue_page(
    session: Session,
    policy: Policy,
    page: Sequence[Row[Any]],
    departments: dict[int, tuple[str, str | None]],
    verdicts: dict[RecordFacts, Eligibility],
    *,
    actor: str,
) -> int:
    records = [cast("RecordLike", r) for r in page]
    repeats = repeat_violations(session, policy, records, {r.id: r.subject_id for r in page})
    now = utcnow()
    rows: list[dict[str, Any]] = []
    for r, record in zip(page, records, strict=True):
        name, domain = departments.get(r.department_id, (None, None))
        facts = notice_facts(policy, record, domain, repeats.get(r.id))
        content, earliest, end, regime_id = _compose(record, r.subject_name, name, facts, policy, verdicts)
        text = render_text(content)
        rows.append(
            {
                "record_id": r.id,
                "subject_id": r.subject_id,
                "department_id": r.department_id,
                "batch_id": r.batch_id,
                "regime_id": regime_id,
                "earliest_repair_on": earliest,
                "publication_end_on": end,
                "text": text,
                "html": render_html(content),
                "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
                "policy_hash": policy.hash,
                "version": 1,
                "created_at": now,
            }
        )
    session.connection().execute(cast("Table", RepairNotice.__table__).insert(), rows)  # one executemany
    audit.append(
        session,
        actor=actor,
        action="repair.notice.issue",
        object_type="repair_notice",
        object_id=None,
        detail={
            "records": len(rows),
            "record_id_from": page[0].id,
            "record_id_to": page[-1].id,
            "batch_ids": sorted({r.batch_id for r in page if r.batch_id is not None}),
        },
    )
    return len(rows)


def notice_for(session: Session, policy: Policy, record_id: int, *, actor: str) -> RepairNotice:
    """Return the stored notice of a record, generating it if missing."""
    record = session.get(CreditRecord, record_id)
    if record is None:
        raise NotFound(f"信用记录 {record_id} 不存在", code="record.not_found")
    notice = issue_notice(session, policy, record, actor=actor)
    if notice is None:
        raise NotFound("该记录不适用信用修复告知书", code="repair.notice_not_applicable")
    return notice
