"""The text of a repair notice (信用修复告知书) and its two renderings (pure).

A notice's wording is split in two: the parts particular to the record (addressee and decision document
number) and the body (department, decision date, paragraphs under the regime in force, materials),
which many records of a batch share. A stored notice keeps the first and points at its body
(``repair_notice_body``), and is rendered when viewed; the rendering is the same as composing it whole.
"""

from __future__ import annotations

import hashlib
import html
import json
from dataclasses import dataclass


@dataclass(frozen=True)
class NoticeBody:
    """What a notice says beyond its addressee and document number (shared by many records)."""

    title: str
    department: str
    decision_on: str
    mode_label: str
    paragraphs: tuple[str, ...]
    materials: tuple[str, ...]

    def sha256(self) -> str:
        """Return the fingerprint a body is stored once under."""
        data = [
            self.title,
            self.department,
            self.decision_on,
            self.mode_label,
            self.paragraphs,
            self.materials,
        ]
        return hashlib.sha256(json.dumps(data, ensure_ascii=False).encode("utf-8")).hexdigest()


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

    @property
    def body(self) -> NoticeBody:
        """Return the part shared by other records' notices."""
        return NoticeBody(
            self.title, self.department, self.decision_on, self.mode_label, self.paragraphs, self.materials
        )

    @classmethod
    def of(cls, body: NoticeBody, subject_name: str, document_no: str) -> NoticeContent:
        """Assemble a notice from its body and the parts particular to the record."""
        return cls(
            title=body.title,
            subject_name=subject_name,
            document_no=document_no,
            department=body.department,
            decision_on=body.decision_on,
            mode_label=body.mode_label,
            paragraphs=body.paragraphs,
            materials=body.materials,
        )


FREE = "信用修复不收取任何费用；任何机构以付费删除、代理修复为名收费的，请向信用主管部门举报。"


def opening(c: NoticeContent) -> str:
    """Return the notice's first sentence: which decision it comes with."""
    return f"本机关于 {c.decision_on} 作出 {c.document_no} 号决定。"


def how_to_apply(department: str, accept_workdays: int, decide_workdays: int) -> str:
    """Return how and where to apply, and how long the department takes (谁认定、谁修复)."""
    return (
        f"申请方式：登录本平台在线提交（信用修复申请），或到政务服务大厅窗口办理。申请由{department}办理（谁认定、谁修复），"
        f"{accept_workdays} 个工作日内决定是否受理，受理后 {decide_workdays} 个工作日内作出决定。"
    )


def effect(natural_person_hidden: bool) -> str:
    """Return what a repair ends: a person's information is not public, so only sharing and use stop."""
    return "停止共享和使用该信息" if natural_person_hidden else "终止公示，并停止共享和使用该信息"


def render_text(c: NoticeContent) -> str:
    """Render a notice as plain text."""
    lines = [c.title, "", f"{c.subject_name}：", f"    {opening(c)}"]
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
        f"<p>{e(opening(c))}</p>{body}"
        + (f"<p>申请材料：</p><ul>{mats}</ul>" if mats else "")
        + f'<p class="sign">{e(c.department)}<br>{e(c.decision_on)}</p></article></body></html>'
    )


def text_sha256(text: str) -> str:
    """Return the fingerprint of a notice's text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
