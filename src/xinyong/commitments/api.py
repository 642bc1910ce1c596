"""Routes of 信用承诺: register, fulfilment status, read with history, public list of 主动型."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from sqlalchemy.orm import Session

from xinyong.app_deps import DbSession, get_runtime
from xinyong.auth.deps import require
from xinyong.auth.principal import Principal, Role
from xinyong.commitments import service
from xinyong.commitments.models import Commitment
from xinyong.commitments.schemas import CommitmentIn, CommitmentRead, PublicCommitments, StatusIn
from xinyong.departments.models import Department
from xinyong.subjects import scope

router = APIRouter(prefix="/api/v1", tags=["信用承诺"])
WRITE_ROLES = (Role.OFFICER, Role.SYSTEM, Role.ADMIN)
READ_ROLES = (Role.OFFICER, Role.SYSTEM, Role.ADMIN, Role.SUPERVISOR)


def _read(session: Session, row: Commitment, *, with_history: bool) -> dict[str, Any]:
    dept = session.get(Department, row.department_id)
    out: dict[str, Any] = {
        "code": row.code,
        "type": row.type,
        "subject_id": row.subject_id,
        "department": dept.code if dept else None,
        "department_name": dept.name if dept else None,
        "matter": row.matter,
        "content": row.content,
        "committed_on": row.committed_on.isoformat(),
        "due_on": row.due_on.isoformat() if row.due_on else None,
        "status": row.status,
        "status_on": row.status_on.isoformat(),
        "breach_record_id": row.breach_record_id,
    }
    if with_history:
        out["history"] = [
            {
                "from": e.from_status,
                "to": e.to_status,
                "on": e.effective_on.isoformat(),
                "reason": e.reason,
                "actor": e.actor,
            }
            for e in service.history(session, row.id)
        ]
    return out


@router.post("/commitments", summary="登记信用承诺", status_code=201, response_model=CommitmentRead)
def register(
    body: CommitmentIn,
    request: Request,
    session: DbSession,
    principal: Principal = Depends(require(*WRITE_ROLES)),
) -> dict[str, Any]:
    """Register a commitment and return it with its code."""
    runtime = get_runtime(request)
    department_code, on_behalf = service.acting_department(session, principal, body.department)
    data = service.CommitmentInput(
        subject_code=body.subject_code,
        type=body.type,
        department_code=department_code,
        matter=body.matter,
        content=body.content,
        committed_on=body.committed_on,
        due_on=body.due_on,
    )
    row = service.register(
        session, runtime.policy, runtime.keys, data, actor=principal.actor, on_behalf=on_behalf
    )
    return _read(session, row, with_history=True)


@router.get("/commitments/{code}", summary="查看信用承诺及履约历史", response_model=CommitmentRead)
def read(
    code: str,
    request: Request,
    session: DbSession,
    principal: Principal = Depends(require(*READ_ROLES)),
) -> dict[str, Any]:
    """Return a commitment with its fulfilment history (in scope, and listed in the subject's 谁查询了我)."""
    row = service.get(session, code)
    runtime = get_runtime(request)
    scope.authorise_read(
        session,
        runtime.policy,
        principal,
        row.subject_id,
        what="commitment",
        on=runtime.today(),
        owner_department_id=row.department_id,
    )
    return _read(session, row, with_history=True)


@router.post(
    "/commitments/{code}/status", summary="登记履约状态（违诺生成失信记录）", response_model=CommitmentRead
)
def set_status(
    code: str,
    body: StatusIn,
    request: Request,
    session: DbSession,
    principal: Principal = Depends(require(*WRITE_ROLES)),
) -> dict[str, Any]:
    """Record fulfilment; a breach creates a negative record and suspends 告知承诺 per policy."""
    runtime = get_runtime(request)
    row = service.set_status(
        session,
        runtime.policy,
        code,
        body.status,
        body.effective_on,
        actor=principal.actor,
        reason=body.reason,
        principal=principal,
    )
    return _read(session, row, with_history=True)


@router.get("/public/commitments", summary="公示的主动型信用承诺", response_model=PublicCommitments)
def public(
    session: DbSession,
    request: Request,
    limit: int = Query(default=50, ge=1, le=200),
    offset: int = Query(default=0, ge=0),
) -> dict[str, Any]:
    """List published commitments (never natural persons)."""
    runtime = get_runtime(request)
    rows = service.public(session, runtime.policy, limit=limit, offset=offset)
    return {
        "items": [
            {
                "code": c.code,
                "type": c.type,
                "subject_name": s.name,
                "uscc": s.uscc,
                "department_name": d.name,
                "matter": c.matter,
                "content": c.content,
                "committed_on": c.committed_on.isoformat(),
                "status": "— —" if c.status == service.IN_PROGRESS else c.status,
            }
            for c, s, d in rows
        ]
    }
