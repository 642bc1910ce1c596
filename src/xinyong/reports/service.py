"""Report use cases: issue (public, full, special), download, and tell recipients of corrections
(verification and revocation: ``reports.verification``). What a report holds comes from ``creditfile.service`` (the rule core decides what the
reader may see); this module numbers, renders, signs, stores and audits it.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import re
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.audit import service as audit
from xinyong.auth.principal import ANONYMOUS, Principal, Role
from xinyong.creditfile import service as credit_file
from xinyong.errors import Forbidden, Invalid, NotFound
from xinyong.evaluation import service as evaluation_service
from xinyong.kit.crypto import KeyRing
from xinyong.outbox import service as outbox
from xinyong.policy.loader import Policy
from xinyong.records.models import CreditRecord
from xinyong.reports import content as content_mod
from xinyong.reports import render, special
from xinyong.reports.corrections import events as events
from xinyong.reports.corrections import notify_after_change as notify_after_change
from xinyong.reports.corrections import notify_new_versions as notify_new_versions
from xinyong.reports.models import (
    PUBLIC_RECIPIENT,
    CreditReport,
    CreditReportFile,
    CreditReportItem,
)
from xinyong.reports.schemas import (
    FORMAT,
    GradeLine,
    ReportContent,
    ReportKind,
    ReportRequest,
    SpecialPart,
)
from xinyong.reports.signing import ReportSigner
from xinyong.reports.sm2 import SM2_ALG, Sm2Key
from xinyong.rules.disclosure import Audience
from xinyong.settings import PLACEHOLDER, Settings
from xinyong.subjects import service as subjects_service
from xinyong.subjects.models import Subject, SubjectKind
from xinyong.subjects.schemas import CreditFile

special_policy = special.special_policy  # re-exported: the 专项 report domains the form lists

# Audiences a full or special report is issued to: the subject, a party it authorised, the credit centre.
FULL_AUDIENCES = frozenset({Audience.SUBJECT_SELF, Audience.AUTHORISED_PARTY, Audience.CREDIT_CENTRE})
_NUMBER_TEXT = re.compile(r"^\d{22,30}$")


@functools.cache
def _signer(key: str, cert: str, var_dir: str, json_alg: str, sm2_key: str) -> ReportSigner:
    if key != PLACEHOLDER and cert != PLACEHOLDER:
        signer = ReportSigner.from_pem(Path(key).read_bytes(), Path(cert).read_bytes())
    else:
        signer = ReportSigner.load_or_create(Path(var_dir))
    if json_alg != SM2_ALG:
        return signer
    if sm2_key == PLACEHOLDER:
        return signer.with_sm2(Sm2Key.load_or_create(Path(var_dir) / "report-sm2-key.txt"))
    return signer.with_sm2(Sm2Key.from_private(Path(sm2_key).read_text("utf-8")))


def signer_for(settings: Settings) -> ReportSigner:
    """Return the signer: the configured key and certificate, or the development pair under ``var/``;
    with ``report_json_algorithm = SM2-SM3`` the JSON twin is signed with the SM2 key (国密 option)."""
    return _signer(
        settings.report_signing_key,
        settings.report_signing_cert,
        str(settings.var_dir),
        settings.report_json_algorithm,
        settings.report_sm2_key,
    )


@dataclass(frozen=True)
class Context:
    """What issuing needs besides the session."""

    keys: KeyRing
    policy: Policy
    signer: ReportSigner
    public_url: str
    timezone: str = "Asia/Shanghai"

    @classmethod
    def of(cls, settings: Settings, keys: KeyRing, policy: Policy) -> Context:
        """Build from the settings."""
        return cls(keys, policy, signer_for(settings), settings.public_url.rstrip("/"), settings.timezone)

    def verify_url(self, number: str) -> str:
        """Return the public verify page of a report."""
        return f"{self.public_url}/verify/{number}"


def recipient_label(principal: Principal, subject: Subject) -> str:
    """Return who receives the report, as printed."""
    if principal.role == Role.PUBLIC:
        return "社会公众"
    if principal.subject_id == subject.id:
        return f"{subject.name}（主体本人）"
    if principal.organisation:
        return principal.organisation
    if principal.role == Role.ADMIN:
        return f"台州市公共信用信息中心（{principal.username}）"
    return principal.username


def _special_scope(
    req: ReportRequest, rules: special.SpecialPolicy, on: dt.date
) -> tuple[list[special.Domain], dt.date, dt.date]:
    if not req.domains:
        names = "、".join(d.name for d in rules.domains)
        raise Invalid(f"专项信用报告须选择领域，可选：{names}", code="report.no_domains")
    chosen = []
    for key in dict.fromkeys(req.domains):
        found = rules.find(key)
        if found is None:
            names = "、".join(d.name for d in rules.domains)
            raise Invalid(f"未知的领域 {key}，可选：{names}", code="report.bad_domain")
        chosen.append(found)
    if req.period is None:
        raise Invalid("专项信用报告须给出期间（from、to）", code="report.no_period")
    problem = special.check_period(req.period.start, req.period.end, on, rules)
    if problem:
        raise Invalid(problem, code="report.bad_period")
    return chosen, req.period.start, req.period.end


def issue(
    session: Session,
    ctx: Context,
    principal: Principal,
    req: ReportRequest,
    *,
    on: dt.date,
    now: dt.datetime,
    known_at: dt.datetime | None = None,
) -> CreditReport:
    """Issue a signed report of ``req.kind`` for ``principal``; store it, log who received which records.

    ``known_at`` (``records.asof``): the file as the platform held it then; stored (else ``now``) so the
    report's content can be recomputed."""
    policy = ctx.policy
    scope, chosen, start, end = _scope(policy, req, on)
    subject = subjects_service.get_by_code(session, ctx.keys, req.code)
    reader = _reader(session, policy, principal, subject, req.kind, on)
    purpose = req.purpose.strip() if req.purpose and req.purpose.strip() else None
    file = credit_file.build_credit_file(
        session,
        ctx.keys,
        policy,
        reader,
        req.code,
        purpose=purpose if reader.role == Role.ADMIN else None,
        on=on,
        known_at=known_at,
    )
    scope["audience"] = file.viewer.audience
    recipient = PUBLIC_RECIPIENT if principal.role == Role.PUBLIC else outbox.recipient_of(principal)
    row = CreditReport(
        number=uuid.uuid4().hex,
        subject_id=subject.id,
        kind=req.kind.value,
        scope=scope,
        audience=file.viewer.audience,
        recipient=recipient,
        purpose=purpose,
        policy_hash=policy.hash,
        issued_at=now,
        issued_by=principal.actor,
        known_at=known_at or now,
    )
    _numbered(session, ctx, row, now)
    part = _special_part(policy, file, chosen, start, end) if req.kind == ReportKind.SPECIAL else None
    body = content_mod.build(
        file,
        number=row.number,
        kind=req.kind,
        issued_at=now,
        recipient=recipient_label(principal, subject),
        purpose=purpose,
        verify_url=ctx.verify_url(row.number),
        special_part=part,
        grade=_grade(session, policy, subject.id),
    )
    ids = _store(session, ctx, row, body)
    _log_issue(session, principal, row, subject.id, ids)
    return row


def _numbered(session: Session, ctx: Context, row: CreditReport, now: dt.datetime) -> None:
    """Store ``row`` and give it its number: issue time to the second (Beijing time) + the row id.

    Unique by the primary key, so concurrent issuers never collide; the unique constraint on ``number``
    guards it again."""
    session.add(row)
    session.flush()
    row.number = f"{now.astimezone(ZoneInfo(ctx.timezone)):%Y%m%d%H%M%S}{row.id:08d}"


def _special_part(
    policy: Policy, file: CreditFile, chosen: list[special.Domain], start: dt.date, end: dt.date
) -> SpecialPart:
    """Return the 专项 part of a report: the chosen domains' records in the period."""
    rules = special.special_policy(policy)
    return content_mod.special_part(file, rules, chosen, start, end, special.department_domains(policy))


def _scope(
    policy: Policy, req: ReportRequest, on: dt.date
) -> tuple[dict[str, Any], list[special.Domain], dt.date, dt.date]:
    """Return the report's scope, and for a 专项 report its domains and period (refusing a bad one)."""
    if req.kind != ReportKind.SPECIAL and (req.domains or req.period):
        raise Invalid("只有专项信用报告可以选择领域和期间", code="report.scope_not_special")
    scope: dict[str, Any] = {"kind": req.kind.value}
    if req.kind != ReportKind.SPECIAL:
        return scope, [], on, on
    chosen, start, end = _special_scope(req, special.special_policy(policy), on)
    scope.update(domains=[d.name for d in chosen], period={"from": start.isoformat(), "to": end.isoformat()})
    return scope, chosen, start, end


def _reader(
    session: Session, policy: Policy, principal: Principal, subject: Subject, kind: ReportKind, on: dt.date
) -> Principal:
    """Return who the credit file is read as: the public for a public report, else the caller (if entitled)."""
    if kind == ReportKind.PUBLIC:
        if subject.kind == SubjectKind.NATURAL_PERSON.value:
            raise Forbidden("自然人信用信息不向社会公开，不出具公开版报告", code="report.person_not_public")
        return ANONYMOUS
    access = credit_file.resolve_access(session, principal, subject, purpose=None, on=on, policy=policy)
    if access.audience not in FULL_AUDIENCES:
        raise Forbidden(
            "完整版和专项信用报告只向主体本人、经主体授权的机构和信用中心出具；请先取得主体的有效授权",
            code="report.consent_required",
        )
    return principal


def _store(session: Session, ctx: Context, row: CreditReport, body: ReportContent) -> list[int]:
    """Sign and store the report's files and the records it holds; return those records' ids."""
    pdf, twin = render_signed(ctx, body)
    row.pdf_sha256 = hashlib.sha256(pdf).hexdigest()
    row.json_sha256 = hashlib.sha256(twin).hexdigest()
    session.add(CreditReportFile(report_id=row.id, pdf=pdf, json=twin))
    ids = content_mod.record_ids(body)
    keys = dict(
        session.execute(
            select(CreditRecord.id, CreditRecord.record_key).where(CreditRecord.id.in_(ids))
        ).all()
    )
    session.add_all(CreditReportItem(report_id=row.id, record_id=i, record_key=keys[i]) for i in ids)
    session.flush()
    return ids


def _log_issue(
    session: Session, principal: Principal, row: CreditReport, subject_id: int, ids: list[int]
) -> None:
    """Log which records the recipient now holds (for later corrections) and audit the issue."""
    if row.recipient != PUBLIC_RECIPIENT and ids:
        outbox.log_delivery(
            session, record_ids=ids, recipient=row.recipient, channel="report", ref=f"report:{row.number}"
        )
    audit.append(
        session,
        actor=principal.actor,
        action="report.issue",
        object_type="credit_report",
        object_id=row.id,
        detail={
            "number": row.number,
            "kind": row.kind,
            "subject_id": subject_id,
            "scope": row.scope,
            "recipient": row.recipient,
            "records": len(ids),
            "pdf_sha256": row.pdf_sha256,
            "json_sha256": row.json_sha256,
        },
    )


def _grade(session: Session, policy: Policy, subject_id: int) -> GradeLine | None:
    """Return the evaluation grade where its model publishes it (the evaluation decides, not the report)."""
    found = evaluation_service.public_grade(session, policy, subject_id)
    if found is None:
        return None
    return GradeLine(
        grade=str(found["grade"]),
        as_of=found["as_of"],
        model=str(found["model"]),
        model_version=str(found["model_version"]),
    )


def render_signed(ctx: Context, body: ReportContent) -> tuple[bytes, bytes]:
    """Return the signed PDF and the signed JSON twin of a report's content."""
    pdf = ctx.signer.sign_pdf(render.pdf(body, timezone=ctx.timezone), body.number)
    report = body.model_dump(mode="json")
    envelope = {"format": FORMAT, "report": report, "signature": ctx.signer.sign_json(report)}
    return pdf, json.dumps(envelope, ensure_ascii=False, indent=1).encode()


def get(session: Session, number: str) -> CreditReport:
    """Return the report with ``number`` or raise ``NotFound``."""
    row = session.scalar(select(CreditReport).where(CreditReport.number == number.strip()))
    if row is None:
        raise NotFound("未找到该编号的信用报告", code="report.not_found")
    return row


def download(session: Session, principal: Principal, number: str, fmt: str) -> bytes:
    """Return the stored PDF or JSON of a report (public reports to anyone, others to their parties)."""
    row = get(session, number)
    if row.kind != ReportKind.PUBLIC.value:
        own = principal.role != Role.PUBLIC and outbox.recipient_of(principal) == row.recipient
        if not (
            own or principal.subject_id == row.subject_id or principal.role in (Role.ADMIN, Role.AUDITOR)
        ):
            raise Forbidden("该报告只向其接收方、主体本人和信用中心提供", code="report.forbidden")
        audit.append(
            session,
            actor=principal.actor,
            action="report.download",
            object_type="credit_report",
            object_id=row.id,
            detail={"number": row.number, "format": fmt},
        )
    files = session.get(CreditReportFile, row.id)
    if files is None:  # pragma: no cover - written in the same transaction as the report
        raise NotFound("报告文件不存在", code="report.file_missing")
    return files.pdf if fmt == "pdf" else files.json


# Record events after issue that make a report's content out of date (corrected, repaired, deleted).
def of_subject(session: Session, subject_id: int, *, limit: int = 50) -> list[CreditReport]:
    """Return a subject's reports, newest first."""
    return list(
        session.scalars(
            select(CreditReport)
            .where(CreditReport.subject_id == subject_id)
            .order_by(CreditReport.id.desc())
            .limit(limit)
        )
    )


def of_recipient(session: Session, recipient: str, *, limit: int = 50) -> list[CreditReport]:
    """Return the reports a recipient received, newest first."""
    return list(
        session.scalars(
            select(CreditReport)
            .where(CreditReport.recipient == recipient)
            .order_by(CreditReport.id.desc())
            .limit(limit)
        )
    )
