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
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.audit import service as audit
from xinyong.departments.models import Department
from xinyong.errors import NotFound
from xinyong.policy.loader import Policy
from xinyong.records.models import CreditRecord
from xinyong.repair.eligibility import assess
from xinyong.repair.models import RepairNotice
from xinyong.repair.queries import record_facts
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
    wf = workflows(policy).repair
    facts = dataclasses.replace(record_facts(session, policy, record), events=(), other_lists=())
    start = record.decision_on or dt.date.min
    verdict = assess(facts, start, policy)
    dept = department.name if department is not None else "作出认定的部门"
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
        subject_name=subject.name,
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


def issue_notices_for_new_penalties(
    session: Session,
    policy: Policy,
    since_batch_id: int | None = None,
    *,
    actor: str = "system:notices",
    limit: int = 10_000,
) -> int:
    """Issue notices for new penalty/listing records without one (batches after ``since_batch_id``)."""
    items = workflows(policy).repair.notice_items
    q = (
        select(CreditRecord)
        .outerjoin(RepairNotice, RepairNotice.record_id == CreditRecord.id)
        .where(
            CreditRecord.catalog_item.in_(items),
            CreditRecord.polarity == "negative",
            RepairNotice.id.is_(None),
        )
    )
    if since_batch_id is not None:
        q = q.where(CreditRecord.batch_id > since_batch_id)
    count = 0
    for record in session.scalars(q.order_by(CreditRecord.id).limit(limit)).all():
        if issue_notice(session, policy, record, actor=actor) is not None:
            count += 1
    return count


def notice_for(session: Session, policy: Policy, record_id: int, *, actor: str) -> RepairNotice:
    """Return the stored notice of a record, generating it if missing."""
    record = session.get(CreditRecord, record_id)
    if record is None:
        raise NotFound(f"信用记录 {record_id} 不存在", code="record.not_found")
    notice = issue_notice(session, policy, record, actor=actor)
    if notice is None:
        raise NotFound("该记录不适用信用修复告知书", code="repair.notice_not_applicable")
    return notice
