"""信易贷 applications: submit, 受理 / 放款 / 拒绝 by the product's bank, read, list; statistics.

Who may act: the subject applies for itself, or the product's bank applies on its behalf while it holds
the subject's consent; only the product's institution moves an application on; the subject, that
institution, the credit centre and the auditor read it. Every step writes its audit row.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.audit import service as audit
from xinyong.auth import consent
from xinyong.auth.principal import Principal, Role
from xinyong.db import utcnow
from xinyong.errors import Forbidden, Invalid, NotFound
from xinyong.finance.consent import name_of
from xinyong.finance.models import LoanApplication, LoanApplicationStep
from xinyong.finance.products import grade_of
from xinyong.finance.rules import Product, products_of
from xinyong.finance.schemas import ApplicationIn, ApplicationRead, DecisionIn, StepRead
from xinyong.finance.states import STATUS_LABELS, Status, move
from xinyong.kit.crypto import KeyRing
from xinyong.policy.loader import Policy
from xinyong.subjects import service as subjects_service
from xinyong.subjects.models import Subject

READERS = (Role.ADMIN, Role.AUDITOR)


def _product(policy: Policy, product_id: str, on: dt.date) -> Product:
    found = products_of(policy).get(product_id)
    if found is None or not found.in_force(on):
        raise Invalid(f"信易贷产品 {product_id} 不存在或不在有效期内", code="application.unknown_product")
    return found


def _check_applicant(
    session: Session, principal: Principal, subject: Subject, product: Product, on: dt.date
) -> None:
    if principal.role == Role.SUBJECT and principal.subject_id == subject.id:
        return
    if principal.role == Role.BANK and principal.institution_code == product.institution:
        if consent.valid_for(session, subject.id, product.institution, on) is None:
            raise Forbidden("该主体未授权贵机构，不能代为申请", code="application.no_consent")
        return
    raise Forbidden("只有主体本人或产品所属机构（经授权）可以提交申请", code="application.forbidden")


def submit(
    session: Session, policy: Policy, keys: KeyRing, principal: Principal, body: ApplicationIn, *, on: dt.date
) -> LoanApplication:
    """Submit an application for a product within its amount and term."""
    product = _product(policy, body.product_id, on)
    subject = subjects_service.get_by_code(session, keys, body.code)
    _check_applicant(session, principal, subject, product, on)
    if not product.amount_yuan.min <= body.amount_yuan <= product.amount_yuan.max:
        raise Invalid(
            f"申请金额须在 {product.amount_yuan.min}–{product.amount_yuan.max} 元之间",
            code="application.bad_amount",
        )
    if not product.term_months.min <= body.term_months <= product.term_months.max:
        raise Invalid(
            f"贷款期限须在 {product.term_months.min}–{product.term_months.max} 个月之间",
            code="application.bad_term",
        )
    grade = grade_of(session, subject.id, visible=True)
    row = LoanApplication(
        subject_id=subject.id,
        product_id=product.id,
        institution_code=product.institution,
        amount_yuan=body.amount_yuan,
        term_months=body.term_months,
        status=Status.SUBMITTED.value,
        grade=grade.grade if grade else None,
        industry=subject.industry,
        region_code=subject.region_code,
        submitted_on=on,
        submitted_by=principal.actor,
    )
    session.add(row)
    session.flush()
    _step(session, row, principal, None)
    return row


def _step(session: Session, row: LoanApplication, principal: Principal, reason: str | None) -> None:
    session.add(
        LoanApplicationStep(application_id=row.id, status=row.status, reason=reason, actor=principal.actor)
    )
    session.flush()
    audit.append(
        session,
        actor=principal.actor,
        action=f"finance.application.{row.status}",
        object_type="loan_application",
        object_id=row.id,
        detail={
            "subject_id": row.subject_id,
            "product": row.product_id,
            "institution": row.institution_code,
            "amount_yuan": row.amount_yuan,
            "reason": reason,
            "granted_yuan": row.granted_yuan,
        },
    )


def get(session: Session, principal: Principal, application_id: int) -> LoanApplication:
    """Return an application the caller may read (the subject, the institution, the credit centre)."""
    row = session.get(LoanApplication, application_id)
    if row is None or not _may_read(principal, row):
        raise NotFound("未找到该申请", code="application.not_found")
    return row


def _may_read(principal: Principal, row: LoanApplication) -> bool:
    if principal.role in READERS:
        return True
    if principal.role == Role.SUBJECT:
        return principal.subject_id == row.subject_id
    return principal.role == Role.BANK and principal.institution_code == row.institution_code


def decide(session: Session, principal: Principal, application_id: int, body: DecisionIn) -> LoanApplication:
    """Move an application on (受理、放款、拒绝); only the product's institution may."""
    row = get(session, principal, application_id)
    if principal.role != Role.BANK or principal.institution_code != row.institution_code:
        raise Forbidden("只有产品所属机构可以办理该申请", code="application.not_institution")
    target = move(Status(row.status), body.action, body.reason)
    if target == Status.GRANTED:
        granted = body.granted_yuan or row.amount_yuan
        if granted > row.amount_yuan:
            raise Invalid("放款金额不能超过申请金额", code="application.bad_granted")
        row.granted_yuan = granted
    row.status = target.value
    row.reason = body.reason.strip() if body.reason else None
    row.updated_at = utcnow()
    _step(session, row, principal, row.reason)
    return row


def listing(session: Session, principal: Principal, *, limit: int = 100) -> list[LoanApplication]:
    """Return the applications the caller may read, newest first."""
    stmt = select(LoanApplication).order_by(LoanApplication.id.desc()).limit(limit)
    if principal.role == Role.SUBJECT:
        stmt = stmt.where(LoanApplication.subject_id == (principal.subject_id or -1))
    elif principal.role == Role.BANK:
        stmt = stmt.where(LoanApplication.institution_code == (principal.institution_code or ""))
    elif principal.role not in READERS:
        raise Forbidden("当前身份无权查看信易贷申请", code="application.forbidden")
    return list(session.scalars(stmt))


def read(session: Session, policy: Policy, row: LoanApplication) -> ApplicationRead:
    """Return the view of an application with its steps."""
    subject = session.get(Subject, row.subject_id)
    product = products_of(policy).get(row.product_id)
    steps = session.scalars(
        select(LoanApplicationStep)
        .where(LoanApplicationStep.application_id == row.id)
        .order_by(LoanApplicationStep.id)
    ).all()
    status = Status(row.status)
    return ApplicationRead(
        id=row.id,
        subject_name=subject.name if subject else "",
        product_id=row.product_id,
        product_name=product.name if product else row.product_id,
        institution=row.institution_code,
        institution_name=name_of(policy, row.institution_code) or row.institution_code,
        amount_yuan=row.amount_yuan,
        term_months=row.term_months,
        status=status,
        status_label=STATUS_LABELS[status],
        reason=row.reason,
        granted_yuan=row.granted_yuan,
        submitted_on=row.submitted_on,
        steps=[
            StepRead(
                status=Status(s.status),
                status_label=STATUS_LABELS[Status(s.status)],
                reason=s.reason,
                actor=s.actor,
                at=s.at,
            )
            for s in steps
        ],
    )
