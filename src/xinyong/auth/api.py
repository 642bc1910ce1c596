"""Endpoints for sign-in, the caller, consent (授权书) and 谁查询了我."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from xinyong.app_deps import get_runtime, get_session
from xinyong.audit import service as audit
from xinyong.auth import consent, limits, service
from xinyong.auth.access import Capability, ensure
from xinyong.auth.deps import current_principal, end_session, session_data, start_session
from xinyong.auth.models import Authorisation
from xinyong.auth.principal import ROLE_LABELS, Principal, Role
from xinyong.finance import consent as finance_consent
from xinyong.kit.dates import InputDate
from xinyong.runtime import Runtime

router = APIRouter(prefix="/api/v1", tags=["账号与授权"])
_ROLE_VALUES = frozenset(r.value for r in Role)


class LoginIn(BaseModel):
    """Sign-in credentials."""

    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=200)


class Me(BaseModel):
    """The caller."""

    username: str
    role: str
    role_label: str
    subject_id: int | None = None
    department_id: int | None = None
    region_code: str | None = None
    organisation: str | None = None
    csrf_token: str | None = None


def _me(principal: Principal, csrf: str | None) -> Me:
    return Me(
        username=principal.username,
        role=principal.role.value,
        role_label=ROLE_LABELS[principal.role],
        subject_id=principal.subject_id,
        department_id=principal.department_id,
        region_code=principal.region_code,
        organisation=principal.organisation,
        csrf_token=csrf,
    )


@router.post("/auth/login", summary="登录（设置会话 Cookie）", response_model=Me)
def login(
    body: LoginIn,
    request: Request,
    response: Response,
    session: Session = Depends(get_session, scope="function"),
) -> Me:
    """Check the password and start a web session; too many failures lock the account or address out."""
    runtime = get_runtime(request)
    account = service.sign_in(
        runtime.sessions,
        session,
        body.username,
        body.password,
        limits.client_address(request),
        limits.limits_of(request).sign_in,
        channel="api",
    )
    token = start_session(request, response, account)
    principal = service.principal_for_account(account)
    audit.append(
        session, actor=principal.actor, action="auth.login", object_type="account", object_id=account.id
    )
    return _me(principal, token)


@router.post("/auth/logout", summary="退出登录（服务端同时作废该账号的会话）", status_code=204)
def logout(
    response: Response,
    principal: Principal = Depends(current_principal),
    session: Session = Depends(get_session, scope="function"),
) -> Response:
    """End the web session, on the server as well as in the browser."""
    end_session(response, session, principal.account_id)
    if principal.account_id is not None:
        audit.append(
            session,
            actor=principal.actor,
            action="auth.logout",
            object_type="account",
            object_id=principal.account_id,
        )
    response.status_code = 204
    return response


@router.get("/auth/me", summary="当前身份", response_model=Me)
def me(request: Request, principal: Principal = Depends(current_principal)) -> Me:
    """Return the caller and, for web sessions, the CSRF token."""
    data = session_data(request)
    return _me(principal, str(data["csrf"]) if data and "csrf" in data else None)


class AuthorisationIn(BaseModel):
    """A new authorisation (授权书) of a registered institution (no free-text grantee is accepted)."""

    model_config = ConfigDict(extra="forbid")

    institution_code: str = Field(min_length=1, max_length=32, description="被授权机构编码（机构名录）")
    purpose: str = Field(min_length=1, max_length=200, description="查询用途")
    sections: list[str] = Field(default_factory=list, max_length=20, description="授权查询的档案栏目")
    score: bool = Field(default=False, description="是否授权查询信用评分")
    valid_from: InputDate
    valid_to: InputDate


class AuthorisationRead(BaseModel):
    """An authorisation."""

    id: int
    grantee_code: str | None = None
    grantee_organisation: str
    purpose: str
    sections: list[str]
    score: bool
    valid_from: dt.date
    valid_to: dt.date
    created_at: dt.datetime
    revoked_at: dt.datetime | None = None
    status: str
    invalid_reason: str | None = None


def _auth_read(row: Authorisation, today: dt.date) -> AuthorisationRead:
    return AuthorisationRead(
        id=row.id,
        grantee_code=row.grantee_code,
        grantee_organisation=row.grantee_organisation,
        purpose=row.purpose,
        sections=list(row.sections or ()),
        score=row.score,
        valid_from=row.valid_from,
        valid_to=row.valid_to,
        created_at=row.created_at,
        revoked_at=row.revoked_at,
        status=consent.status_of(row, today),
        invalid_reason=row.invalid_reason,
    )


@router.get("/me/authorisations", summary="我的授权书", response_model=list[AuthorisationRead])
def my_authorisations(
    principal: Principal = Depends(current_principal),
    session: Session = Depends(get_session, scope="function"),
    runtime: Runtime = Depends(get_runtime),
) -> list[AuthorisationRead]:
    """List the subject's authorisations."""
    ensure(principal, Capability.MANAGE_CONSENT)
    assert principal.subject_id is not None  # noqa: S101 - ensured above
    day = runtime.today()
    return [_auth_read(r, day) for r in consent.of_subject(session, principal.subject_id)]


@router.post(
    "/me/authorisations", summary="授权查询（授权书）", response_model=AuthorisationRead, status_code=201
)
def grant_authorisation(
    body: AuthorisationIn,
    principal: Principal = Depends(current_principal),
    session: Session = Depends(get_session, scope="function"),
    runtime: Runtime = Depends(get_runtime),
) -> AuthorisationRead:
    """Authorise a registered institution to read the subject's non-public information."""
    ensure(principal, Capability.MANAGE_CONSENT)
    row = finance_consent.grant(
        session,
        principal,
        institution_code=body.institution_code,
        purpose=body.purpose,
        sections=body.sections,
        score=body.score,
        valid_from=body.valid_from,
        valid_to=body.valid_to,
        policy=runtime.policy,
        on=runtime.today(),
    )
    return _auth_read(row, runtime.today())


@router.post(
    "/me/authorisations/{authorisation_id}/revoke", summary="撤销授权", response_model=AuthorisationRead
)
def revoke_authorisation(
    authorisation_id: int,
    principal: Principal = Depends(current_principal),
    session: Session = Depends(get_session, scope="function"),
    runtime: Runtime = Depends(get_runtime),
) -> AuthorisationRead:
    """Revoke one of the subject's authorisations."""
    ensure(principal, Capability.MANAGE_CONSENT)
    return _auth_read(consent.revoke(session, principal, authorisation_id), runtime.today())


class QueryRead(BaseModel):
    """One entry of 谁查询了我."""

    occurred_at: dt.datetime
    who: str
    role: str
    organisation: str | None = None
    what: str
    purpose: str
    basis: str
    basis_ref: str | None = None


class QueryPage(BaseModel):
    """A page of the subject's query log."""

    total: int
    items: list[QueryRead]


@router.get("/me/queries", summary="谁查询了我", response_model=QueryPage)
def my_queries(
    limit: int = Query(50, ge=1, le=200),
    offset: int = Query(0, ge=0, le=1_000_000),
    principal: Principal = Depends(current_principal),
    session: Session = Depends(get_session, scope="function"),
) -> QueryPage:
    """List who read the subject's non-public information."""
    ensure(principal, Capability.VIEW_OWN_QUERIES)
    assert principal.subject_id is not None  # noqa: S101 - ensured above
    total, rows = consent.queries_of(session, principal.subject_id, limit=limit, offset=offset)
    return QueryPage(
        total=total,
        items=[
            QueryRead(
                occurred_at=r.occurred_at,
                who=r.actor,
                role=ROLE_LABELS[Role(r.role)] if r.role in _ROLE_VALUES else r.role,
                organisation=r.organisation,
                what=r.what,
                purpose=r.purpose,
                basis=r.basis,
                basis_ref=r.basis_ref,
            )
            for r in rows
        ],
    )
