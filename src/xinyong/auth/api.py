"""Endpoints for sign-in, the caller, consent (授权书) and 谁查询了我."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Query, Request, Response

from xinyong.app_deps import AppRuntime, DbSession, get_runtime
from xinyong.audit import service as audit
from xinyong.auth import consent, limits, service
from xinyong.auth.access import Capability, ensure
from xinyong.auth.deps import Caller, end_session, session_data, start_session
from xinyong.auth.models import Authorisation
from xinyong.auth.principal import ROLE_LABELS, Principal, Role
from xinyong.auth.schemas import AuthorisationIn, AuthorisationRead, LoginIn, Me, QueryPage, QueryRead
from xinyong.finance import consent as finance_consent

router = APIRouter(prefix="/api/v1", tags=["账号与授权"])
_ROLE_VALUES = frozenset(r.value for r in Role)


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
    session: DbSession,
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


@router.post(
    "/auth/logout", summary="退出登录（服务端同时作废该账号的会话）", status_code=204, response_class=Response
)
def logout(
    session: DbSession,
    response: Response,
    principal: Caller,
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
def me(request: Request, principal: Caller) -> Me:
    """Return the caller and, for web sessions, the CSRF token."""
    data = session_data(request)
    return _me(principal, str(data["csrf"]) if data and "csrf" in data else None)


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
    session: DbSession,
    principal: Caller,
    runtime: AppRuntime,
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
    session: DbSession,
    body: AuthorisationIn,
    principal: Caller,
    runtime: AppRuntime,
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
    session: DbSession,
    authorisation_id: int,
    principal: Caller,
    runtime: AppRuntime,
) -> AuthorisationRead:
    """Revoke one of the subject's authorisations."""
    ensure(principal, Capability.MANAGE_CONSENT)
    return _auth_read(consent.revoke(session, principal, authorisation_id), runtime.today())


@router.get("/me/queries", summary="谁查询了我", response_model=QueryPage)
def my_queries(
    session: DbSession,
    principal: Caller,
    limit: int = Query(50, ge=1, le=200),
    offset: int = Query(0, ge=0, le=1_000_000),
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
