"""Report verification and revocation: is a report genuine, altered, revoked or superseded — by number,
by checksum or from the file itself (PDF with its PAdES signature, or the signed JSON twin)."""

from __future__ import annotations

import hashlib
import json
import re

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from xinyong.audit import service as audit
from xinyong.auth.principal import Principal, Role, can, permission
from xinyong.errors import Conflict, Forbidden, Invalid
from xinyong.records.models import CreditRecord, RecordEvent, RecordEventKind
from xinyong.reports.models import (
    CreditReport,
    CreditReportEvent,
    CreditReportItem,
    ReportEventKind,
)
from xinyong.reports.schemas import (
    KIND_LABELS,
    STATUS_LABELS,
    ReportEventRead,
    ReportKind,
    VerifyResult,
    VerifyStatus,
)
from xinyong.reports.service import events, get
from xinyong.reports.signing import ReportSigner
from xinyong.subjects.models import Subject, SubjectKind

_NUMBER = re.compile(rb"XYReportNo(\d{22,30})")
# Who may revoke a report (the service further limits an officer to departments that reported on the subject).
REVOKE = permission("reports.revoke", Role.ADMIN, Role.OFFICER)


STALE_EVENTS = (
    RecordEventKind.REPAIRED,
    RecordEventKind.DELETED,
    RecordEventKind.DISCLOSURE_STOPPED,
    RecordEventKind.LIST_REMOVED,
)


def changes_since_issue(session: Session, row: CreditReport) -> list[str]:
    """Return what changed in the report's records since it was issued (derived from the records)."""
    newer = aliased(CreditRecord)
    versions = session.scalar(
        select(func.count())
        .select_from(CreditReportItem)
        .join(newer, newer.supersedes_id == CreditReportItem.record_id)
        .where(CreditReportItem.report_id == row.id)
    )
    evented = session.scalar(
        select(func.count(func.distinct(RecordEvent.record_id)))
        .select_from(CreditReportItem)
        .join(RecordEvent, RecordEvent.record_id == CreditReportItem.record_id)
        .where(
            CreditReportItem.report_id == row.id,
            RecordEvent.kind.in_(STALE_EVENTS),
            RecordEvent.created_at > row.issued_at,
        )
    )
    out = []
    if versions:
        out.append(f"报告所载 {versions} 条信息其后已由提供单位更正（有新版本）")
    if evented:
        out.append(f"报告所载 {evented} 条信息其后已被修复、删除或移出名单")
    return out


def status_of(evs: list[CreditReportEvent], changes: list[str]) -> VerifyStatus:
    """Derive a report's status from its events and its records' changes: revoked wins over corrected."""
    kinds = {e.kind for e in evs}
    if ReportEventKind.REVOKED in kinds:
        return VerifyStatus.REVOKED
    if changes or ReportEventKind.CORRECTED in kinds:
        return VerifyStatus.SUPERSEDED
    return VerifyStatus.GENUINE


def _provides_for(session: Session, department_id: int | None, subject_id: int) -> bool:
    """Tell whether the department reported any record on the subject."""
    if department_id is None:
        return False
    found = session.scalar(
        select(CreditRecord.id)
        .where(CreditRecord.subject_id == subject_id, CreditRecord.department_id == department_id)
        .limit(1)
    )
    return found is not None


def revoke(session: Session, principal: Principal, number: str, reason: str) -> CreditReportEvent:
    """Revoke a report (e.g. an objection found an error in it); audited."""
    if not can(principal, REVOKE):
        raise Forbidden("只有信用中心或部门工作人员可以撤销信用报告", code="report.revoke_forbidden")
    row = get(session, number)
    if principal.role == Role.OFFICER and not _provides_for(session, principal.department_id, row.subject_id):
        # a department answers for its own records only: it may not revoke a report on a subject it never reported
        raise Forbidden("本部门未报送该主体的信用信息，不能撤销该报告", code="report.revoke_forbidden")
    if any(e.kind == ReportEventKind.REVOKED for e in events(session, row.id)):
        raise Conflict("该报告已撤销", code="report.already_revoked")
    ev = CreditReportEvent(
        report_id=row.id,
        kind=ReportEventKind.REVOKED,
        actor=principal.actor,
        reason=reason.strip(),
        detail={},
    )
    session.add(ev)
    session.flush()
    audit.append(
        session,
        actor=principal.actor,
        action="report.revoke",
        object_type="credit_report",
        object_id=row.id,
        detail={"number": row.number, "reason": ev.reason},
    )
    return ev


def _result(
    session: Session,
    row: CreditReport,
    status: VerifyStatus | None,
    *,
    document: str | None,
    signature_valid: bool | None,
    reasons: list[str],
) -> VerifyResult:
    evs = events(session, row.id)
    changes = changes_since_issue(session, row)
    derived = status_of(evs, changes)
    final = status if status == VerifyStatus.ALTERED else derived
    if final != VerifyStatus.ALTERED:
        reasons = [*reasons, *changes]
    subject = session.get(Subject, row.subject_id)
    kind = ReportKind(row.kind)
    name = subject.name if subject is not None else ""
    if subject is not None and subject.kind == SubjectKind.NATURAL_PERSON.value:
        name = name[:1] + "*" * max(len(name) - 1, 1)  # natural persons are not public (浙江条例第十五条)
    return VerifyResult(
        status=final,
        label=STATUS_LABELS[final],
        number=row.number,
        kind=kind,
        kind_label=KIND_LABELS[kind],
        issued_at=row.issued_at,
        subject_name=name,
        scope=row.scope,
        document=document,
        signature_valid=signature_valid,
        reasons=reasons,
        events=[ReportEventRead(kind=e.kind, at=e.at, reason=e.reason) for e in evs],
    )


def verify_number(session: Session, number: str) -> VerifyResult:
    """Return a report's status by its number (the verify page behind the QR code)."""
    return _result(session, get(session, number), None, document=None, signature_valid=None, reasons=[])


def verify_checksum(session: Session, number: str, checksum: str) -> VerifyResult:
    """Check a SHA-256 of a report's PDF or JSON against the issued one."""
    row = get(session, number)
    given = checksum.strip().lower()
    if given in (row.pdf_sha256, row.json_sha256):
        doc = "pdf" if given == row.pdf_sha256 else "json"
        return _result(session, row, None, document=doc, signature_valid=None, reasons=["校验值与出具时一致"])
    return _result(
        session,
        row,
        VerifyStatus.ALTERED,
        document=None,
        signature_valid=None,
        reasons=["校验值与出具时的 PDF 和 JSON 均不一致"],
    )


def verify_file(
    session: Session, signer: ReportSigner, data: bytes, number: str | None = None
) -> VerifyResult:
    """Verify an uploaded report PDF or JSON twin: any byte changed ⇒ altered."""
    digest = hashlib.sha256(data).hexdigest()
    if data.lstrip()[:1] == b"{":
        return _verify_json(session, signer, data, digest, number)
    check = signer.check_pdf(data)
    found = check.number or number or _number_in(data)
    if not found:
        raise Invalid("无法从文件中识别报告编号，请同时提供报告编号", code="report.number_unknown")
    row = get(session, found)
    if digest == row.pdf_sha256 and check.valid:
        return _result(
            session,
            row,
            None,
            document="pdf",
            signature_valid=True,
            reasons=["PDF 与出具时逐字节一致，签名有效"],
        )
    reasons = ["PDF 与出具时的文件不一致"]
    reasons.append("数字签名有效但文件另有增改" if check.valid else "数字签名校验失败")
    return _result(
        session, row, VerifyStatus.ALTERED, document="pdf", signature_valid=check.valid, reasons=reasons
    )


def _number_in(data: bytes) -> str | None:
    found = _NUMBER.search(data)
    return found.group(1).decode() if found else None


def _verify_json(
    session: Session, signer: ReportSigner, data: bytes, digest: str, number: str | None
) -> VerifyResult:
    try:
        doc = json.loads(data)
        report, signature = doc["report"], doc["signature"]
        found = str(report["number"])
    except (ValueError, KeyError, TypeError, RecursionError):
        if not number:
            raise Invalid("无法读取该 JSON 报告，请同时提供报告编号", code="report.number_unknown") from None
        return _result(
            session,
            get(session, number),
            VerifyStatus.ALTERED,
            document="json",
            signature_valid=False,
            reasons=["JSON 文件无法解析或缺少报告与签名"],
        )
    row = get(session, number or found)
    valid = isinstance(report, dict) and isinstance(signature, dict) and signer.check_json(report, signature)
    if digest == row.json_sha256 and valid:
        return _result(
            session,
            row,
            None,
            document="json",
            signature_valid=True,
            reasons=["JSON 与出具时逐字节一致，签名有效"],
        )
    reasons = ["JSON 与出具时的文件不一致"]
    reasons.append("报告内容的签名仍有效，但文件另有改动" if valid else "报告内容的签名校验失败")
    return _result(
        session, row, VerifyStatus.ALTERED, document="json", signature_valid=valid, reasons=reasons
    )
