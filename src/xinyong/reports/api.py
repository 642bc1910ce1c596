"""Endpoints: issue a report, download its PDF and JSON twin, verify, revoke; the repair documents as PDF."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, File, Form, Response, UploadFile
from fastapi import Path as FastAPIPath

from xinyong.app_deps import AppRuntime, DbSession
from xinyong.auth.deps import Caller, require
from xinyong.auth.principal import Principal, Role
from xinyong.casework.deps import Act, acting
from xinyong.db import utcnow
from xinyong.errors import Forbidden, Invalid
from xinyong.records import service as records_service
from xinyong.repair import documents
from xinyong.repair.documents import RepairDocument
from xinyong.reports import render, service, verification
from xinyong.reports.schemas import (
    ReportIssued,
    ReportKind,
    ReportLinks,
    ReportRequest,
    RevokeRequest,
    VerifyResult,
)

router = APIRouter(prefix="/api/v1", tags=["信用报告"])
DbId = Annotated[int, FastAPIPath(ge=1, le=2**63 - 1)]
MAX_UPLOAD = 20 * 1024 * 1024


def links(number: str, verify_url: str) -> ReportLinks:
    """Return the links of a report."""
    return ReportLinks(
        pdf=f"/api/v1/reports/{number}.pdf", json_=f"/api/v1/reports/{number}.json", verify=verify_url
    )


@router.post(
    "/reports", summary="申请信用报告（公开版、完整版、专项）", response_model=ReportIssued, status_code=201
)
def issue_report(
    session: DbSession,
    body: ReportRequest,
    principal: Caller,
    runtime: AppRuntime,
) -> ReportIssued:
    """Issue a signed report; ``full`` and ``special`` only to the subject, its authorised parties and the credit centre."""
    ctx = service.Context.of(runtime.settings, runtime.keys, runtime.policy)
    if (body.on is not None or body.known is not None) and principal.role != Role.ADMIN:
        raise Forbidden("只有信用中心可以出具历史日期的信用报告", code="report.as_of_forbidden")
    at = records_service.as_of_request(runtime, body.on, body.known)
    row = service.issue(session, ctx, principal, body, on=at.on, now=utcnow(), known_at=at.known_at)
    return ReportIssued(
        number=row.number,
        kind=ReportKind(row.kind),
        issued_at=row.issued_at,
        pdf_sha256=row.pdf_sha256 or "",
        json_sha256=row.json_sha256 or "",
        links=links(row.number, ctx.verify_url(row.number)),
    )


@router.get(
    "/reports/{number}.pdf",
    summary="信用报告 PDF（已签名）",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}}},
)
def report_pdf(
    session: DbSession,
    number: str,
    principal: Caller,
) -> Response:
    """Return the signed PDF exactly as issued."""
    data = service.download(session, principal, number, "pdf")
    return Response(
        data,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="credit-report-{number}.pdf"'},
    )


@router.get(
    "/reports/{number}.json",
    summary="信用报告 JSON 副本（已签名）",
    response_class=Response,
    responses={200: {"content": {"application/json": {}}}},
)
def report_json(
    session: DbSession,
    number: str,
    principal: Caller,
) -> Response:
    """Return the signed JSON twin exactly as issued."""
    data = service.download(session, principal, number, "json")
    return Response(data, media_type="application/json")


@router.post(
    "/reports/verify",
    summary="核验信用报告（上传 PDF 或 JSON，或提供编号和校验值）",
    response_model=VerifyResult,
)
def verify_report(
    session: DbSession,
    runtime: AppRuntime,
    file: UploadFile | None = File(None, description="报告 PDF 或 JSON 副本"),
    number: str | None = Form(None, max_length=40, description="报告编号"),
    checksum: str | None = Form(None, max_length=64, description="PDF 或 JSON 的 SHA-256"),
) -> VerifyResult:
    """Say whether a report is genuine, altered, revoked or superseded (no login)."""
    if file is not None:
        data = file.file.read(MAX_UPLOAD + 1)  # a plain def: pyHanko validates with its own event loop
        if len(data) > MAX_UPLOAD:
            raise Invalid("文件过大", code="report.too_large")
        return verification.verify_file(session, service.signer_for(runtime.settings), data, number or None)
    if number and checksum:
        return verification.verify_checksum(session, number, checksum)
    if number:
        return verification.verify_number(session, number)
    raise Invalid("请上传报告文件，或提供报告编号（和校验值）", code="report.verify_nothing")


@router.post(
    "/reports/{number}/revoke", summary="撤销信用报告（信用中心、部门）", response_model=VerifyResult
)
def revoke_report(
    session: DbSession,
    number: str,
    body: RevokeRequest,
    principal: Principal = Depends(require(verification.REVOKE)),
) -> VerifyResult:
    """Revoke a report; the verify page then says so."""
    verification.revoke(session, principal, number, body.reason)
    return verification.verify_number(session, number)


DocumentReader = Annotated[
    Act,
    Depends(acting(Role.SUBJECT, Role.OFFICER, Role.SYSTEM, Role.ADMIN, Role.SUPERVISOR, Role.AUDITOR)),
]
PDF_RESPONSE: dict[int | str, dict[str, Any]] = {200: {"content": {"application/pdf": {}}}}


def _pdf(doc: RepairDocument) -> Response:
    return Response(
        render.document_pdf(doc),
        media_type="application/pdf",
        headers={
            "Content-Disposition": f"attachment; filename=\"repair-{doc.kind}.pdf\"; filename*=UTF-8''{quote(doc.filename)}",
            "Cache-Control": "no-store",
        },
    )


@router.get(
    "/records/{record_id}/repair-notice.pdf",
    summary="信用修复告知书 PDF（主体本人与职责范围内的部门）",
    response_class=Response,
    responses=PDF_RESPONSE,
)
def repair_notice_pdf(record_id: DbId, act: DocumentReader) -> Response:
    """Return the record's repair notice as a PDF; the read is authorised and logged."""
    return _pdf(documents.notice(act.session, act.policy, act.principal, record_id, today=act.clock.today))


@router.get(
    "/records/{record_id}/repair-guide.pdf",
    summary="信用修复申请指引 PDF：能否申请、何时起可申请、所需材料",
    response_class=Response,
    responses=PDF_RESPONSE,
)
def repair_guide_pdf(record_id: DbId, act: DocumentReader) -> Response:
    """Return what the record's repair needs today as a PDF; the read is authorised and logged."""
    return _pdf(documents.guide(act.session, act.policy, act.principal, record_id, today=act.clock.today))


@router.get(
    "/repairs/{case_id}/decision.pdf",
    summary="信用修复决定书 PDF（已作出决定的申请）",
    response_class=Response,
    responses=PDF_RESPONSE,
)
def repair_decision_pdf(case_id: DbId, act: DocumentReader) -> Response:
    """Return a decided case's decision as a PDF; the read is authorised and logged."""
    return _pdf(documents.decision(act.session, act.policy, act.principal, case_id, today=act.clock.today))
