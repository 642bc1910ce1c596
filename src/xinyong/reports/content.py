"""What a report says: its lines from the credit file the rule core decided, and the special part.

Pure. The credit file passed in holds only what the reader may see (``creditfile.service`` asks the
rule core); nothing is left out here or in the template.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from xinyong.reports import special
from xinyong.reports.schemas import (
    KIND_LABELS,
    ExcludedLine,
    GradeLine,
    LineField,
    ReportContent,
    ReportKind,
    ReportLine,
    ReportSection,
    SpecialDomain,
    SpecialPart,
)
from xinyong.subjects.schemas import CreditFile, FileItem

ISSUER = "台州市公共信用信息中心"
SUMMARY_SKIP = ("基础信息",)


def line_of(item: FileItem) -> ReportLine:
    """Return the printed line of one credit-file item."""
    p = item.provenance
    return ReportLine(
        record_id=item.record_id,
        catalog_name=item.catalog_name,
        department=p.department_name,
        authority=p.authority,
        document_no=p.document_no,
        decision_on=p.decision_on,
        valid_from=p.valid_from,
        valid_to=p.valid_to,
        severity=item.severity,
        marks=list(item.disclosure.marks),
        disclosure=item.disclosure.reason,
        fields=[LineField(label=f.label, value=f.value) for f in item.fields],
    )


def notes(kind: ReportKind) -> list[str]:
    """Return the report's fixed notes (报告说明)."""
    out = [
        "本报告依据《浙江省公共信用信息管理条例》及本平台政策数据生成，所载信息来源于各信息提供单位，"
        "每条信息注明来源部门、决定文书号和日期。",
        "报告中的“异议中”表示该信息正在异议处理中；“已修复”表示该信息已完成信用修复，终止公示、停止共享和使用。",
        "本报告附数字签名，可扫描页眉二维码或凭报告编号在核验页面核验真伪；对本报告任何字节的改动都将导致核验失败。",
        "本报告所载信息如其后被更正、修复或删除，信用平台将通知报告接收方，核验页面显示“已更正”。",
    ]
    if kind == ReportKind.PUBLIC:
        out.append("公开版仅含依法公开的信用信息；自然人信用信息不向社会公开，不出具公开版报告。")
    if kind == ReportKind.SPECIAL:
        out.append("专项信用报告可替代各部门分别出具的有无违法违规记录证明，法律法规另有规定的除外。")
    return out


def sections_of(file: CreditFile) -> list[ReportSection]:
    """Return the report sections of a credit file (every section, empty ones included)."""
    return [
        ReportSection(name=s.name, count=s.count, lines=[line_of(i) for i in s.items]) for s in file.sections
    ]


def special_part(
    file: CreditFile,
    rules: special.SpecialPolicy,
    domains: Sequence[special.Domain],
    start: dt.date,
    end: dt.date,
    department_domains: Mapping[str, str],
) -> SpecialPart:
    """Return the special report's part: per domain the statement, the records found and those not counted."""
    items = {i.record_id: i for s in file.sections for i in s.items}
    candidates = [
        special.Candidate(
            key=i.record_id,
            catalog_item=i.catalog_item,
            department_domain=department_domains.get(i.provenance.department_code or ""),
            decision_on=i.provenance.decision_on,
            severity=i.severity,
            marks=tuple(i.disclosure.marks),
            counted=i.disclosure.counted,
        )
        for i in items.values()
    ]
    verdicts = special.judge(candidates, domains, start, end, rules)
    c = rules.counting
    return SpecialPart(
        period_from=start,
        period_to=end,
        basis=rules.basis,
        counting=[
            "计入的信息类别：行政处罚、行政强制、严重失信主体名单、刑事裁判（按所选领域的部门）。",
            c.period_basis,
            c.repaired_basis,
            c.excluded_severity_basis,
        ],
        domains=[
            SpecialDomain(
                id=v.domain.id,
                name=v.domain.name,
                statement=v.statement,
                found=[line_of(items[k]) for k in v.found],
                excluded=[ExcludedLine(line=line_of(items[k]), reason=r) for k, r in v.excluded],
            )
            for v in verdicts
        ],
    )


def build(
    file: CreditFile,
    *,
    number: str,
    kind: ReportKind,
    issued_at: dt.datetime,
    recipient: str,
    purpose: str | None,
    verify_url: str,
    special_part: SpecialPart | None = None,
    grade: GradeLine | None = None,
) -> ReportContent:
    """Return the report's content."""
    return ReportContent(
        number=number,
        kind=kind,
        title=KIND_LABELS[kind],
        issuer=ISSUER,
        issued_at=issued_at,
        as_of=file.as_of,
        policy_hash=file.policy_hash,
        audience=file.viewer.audience_label,
        purpose=purpose,
        recipient=recipient,
        verify_url=verify_url,
        subject=file.basics,
        summary={k: v for k, v in file.summary.items() if k not in SUMMARY_SKIP},
        grade=None if special_part is not None else grade,
        sections=[] if special_part is not None else sections_of(file),
        special=special_part,
        notice=file.notice,
        notes=notes(kind),
    )


def record_ids(content: ReportContent) -> list[int]:
    """Return the ids of every record version the report prints."""
    ids = [line.record_id for s in content.sections for line in s.lines]
    if content.special is not None:
        for d in content.special.domains:
            ids += [line.record_id for line in d.found]
            ids += [e.line.record_id for e in d.excluded]
    return list(dict.fromkeys(ids))
