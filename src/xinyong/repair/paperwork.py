"""The repair documents a subject is handed, as one shape (pure): 信用修复告知书, 信用修复决定书 and
信用修复申请指引. The reports capability renders them as PDF; the words are composed here, beside the
notice's (``notice_text``), from what the case, the record and the eligibility core state."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from xinyong.repair.eligibility import Eligibility
from xinyong.repair.notice_text import FREE, NoticeContent, opening

DocumentKind = Literal["notice", "decision", "guide"]


@dataclass(frozen=True)
class Section:
    """A titled list in a document (materials, conditions)."""

    heading: str
    items: tuple[str, ...]


@dataclass(frozen=True)
class RepairDocument:
    """A document as a person reads it: title, number, addressee, paragraphs, lists, signature."""

    kind: DocumentKind
    title: str
    number: str
    addressee: str
    paragraphs: tuple[str, ...]
    sections: tuple[Section, ...]
    signer: str
    signed_on: str

    @property
    def filename(self) -> str:
        """Return the name the PDF is downloaded under."""
        return f"{self.title}-{self.number}.pdf"

    def text(self) -> str:
        """Return the document as plain text (what its PDF must read back as)."""
        lines = [self.title, f"编号：{self.number}", f"{self.addressee}：", *self.paragraphs]
        for s in self.sections:
            lines += [s.heading, *s.items]
        return "\n".join([*lines, self.signer, self.signed_on]) + "\n"


@dataclass(frozen=True)
class DecisionFacts:
    """What a decided repair case states, as read from the case and its record."""

    case_id: int
    subject_name: str
    document_no: str
    item_name: str
    record_decided_on: dt.date | None
    submitted_on: dt.date
    accepted_on: dt.date | None
    mode_label: str
    regime_name: str | None
    outcome: Literal["approved", "rejected"]
    reason: str
    decided_on: dt.date
    department: str
    effect: str  # what approval ends: 终止公示，并停止共享和使用 (or only the latter for a person)


def from_notice(content: NoticeContent, record_id: int) -> RepairDocument:
    """Return the repair notice (告知书) as a document: the same sentences as its text and HTML."""
    return RepairDocument(
        kind="notice",
        title=content.title,
        number=f"告知-{record_id}",
        addressee=content.subject_name,
        paragraphs=(opening(content), *content.paragraphs),
        sections=(Section("申请材料", content.materials),) if content.materials else (),
        signer=content.department,
        signed_on=content.decision_on,
    )


def decision(f: DecisionFacts) -> RepairDocument:
    """Return the repair decision (信用修复决定书) of a decided case."""
    basis = f"依据《{f.regime_name}》，" if f.regime_name else ""
    accepted = f"本机关于 {f.accepted_on} 受理" if f.accepted_on else "本机关已受理"
    paras = [
        f"你（单位）于 {f.submitted_on} 就{f.item_name} {f.document_no}（决定日期 {f.record_decided_on or '—'}）"
        f"申请信用修复（{f.mode_label}），{accepted}。经审查，{basis}决定如下：",
    ]
    if f.outcome == "approved":
        paras += [
            "准予信用修复。",
            f"自 {f.decided_on} 起，该信息{f.effect}；相关失信约束措施同步解除。",
            f"理由：{f.reason}",
        ]
    else:
        paras += [
            "不予信用修复。",
            f"理由：{f.reason}",
            "你（单位）在纠正失信行为、履行法定义务并备齐材料后，可以重新申请；对本决定不服的，"
            "可以依法申请行政复议或者提起行政诉讼。",
        ]
    paras.append(FREE)
    return RepairDocument(
        kind="decision",
        title="信用修复决定书",
        number=f"修复-{f.case_id}",
        addressee=f.subject_name,
        paragraphs=tuple(paras),
        sections=(),
        signer=f.department,
        signed_on=str(f.decided_on),
    )


def guide(
    record_id: int,
    subject_name: str,
    record_title: str,
    verdict: Eligibility,
    department: str,
    how_to_apply: str,
) -> RepairDocument:
    """Return the application guidance (信用修复申请指引) of one record on ``verdict.on``."""
    if verdict.eligible:
        state = f"截至 {verdict.on}，该记录符合申请条件（{verdict.mode_label}）。"
    elif verdict.earliest_on is not None:
        state = f"截至 {verdict.on}，该记录尚不能申请信用修复，最早可于 {verdict.earliest_on} 申请。"
    else:
        state = f"截至 {verdict.on}，该记录不能申请信用修复。"
    sections = []
    if verdict.reasons:
        sections.append(Section("尚需满足的条件", tuple(r.message for r in verdict.reasons)))
    if verdict.materials:
        sections.append(
            Section(
                "申请材料",
                tuple(f"{m.label}（{'必交' if m.required else '按需提交'}）" for m in verdict.materials),
            )
        )
    return RepairDocument(
        kind="guide",
        title="信用修复申请指引",
        number=f"指引-{record_id}-{verdict.on:%Y%m%d}",
        addressee=subject_name,
        paragraphs=(f"记录：{record_title}", state, *verdict.notes, how_to_apply, FREE),
        sections=tuple(sections),
        signer=department,
        signed_on=str(verdict.on),
    )
