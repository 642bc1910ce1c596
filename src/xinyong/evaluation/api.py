"""HTTP API of the evaluation: one subject's score and class, runs and grade distributions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Depends, Query
from sqlalchemy.orm import Session

from xinyong.app_deps import AppRuntime, DbSession
from xinyong.auth.deps import Caller, require
from xinyong.auth.principal import Principal, Role
from xinyong.departments import service as departments_service
from xinyong.departments.models import Department
from xinyong.errors import Forbidden, Invalid, Unauthorized
from xinyong.evaluation import inspections, service
from xinyong.evaluation.schemas import Distribution, RunSummary, SubjectEvaluation, SupervisionClass
from xinyong.kit.dates import InputDate
from xinyong.records import service as records_service
from xinyong.runtime import Runtime
from xinyong.subjects import scope
from xinyong.subjects import service as subjects_service

router = APIRouter(prefix="/api/v1", tags=["公共信用评价"])

GOVERNMENT = (Role.OFFICER, Role.SYSTEM, Role.SUPERVISOR, Role.ADMIN)
MONITORS = (*GOVERNMENT, Role.AUDITOR)


@router.get(
    "/subjects/{code}/evaluation",
    summary="主体公共信用评价：得分、等级、指标贡献、原因与提升建议",
    response_model=SubjectEvaluation,
)
def subject_evaluation(
    session: DbSession,
    code: str,
    principal: Caller,
    runtime: AppRuntime,
    as_of: InputDate | None = Query(None, description="评价日期（同 on；旧名）"),
    on: InputDate | None = Query(None, description="评价日期（有效时间；默认最近一次批量评价的日期）"),
    known: str | None = Query(None, max_length=40, description=records_service.KNOWN_HELP),
    purpose: str | None = Query(
        None, max_length=64, description="部门依职责查询时的查询情形（默认 daily_supervision）"
    ),
) -> dict[str, Any]:
    """Return the subject's evaluation (the subject itself and government roles; persons only to self)."""
    if principal.role == Role.PUBLIC:
        raise Unauthorized("请先登录", code="auth.required")
    subject = subjects_service.get_by_code(session, runtime.keys, code)
    day = on or as_of
    known_at = _known_at(runtime, principal, day, known)
    return service.explain(
        session,
        runtime.policy,
        subject,
        principal,
        day,
        today=runtime.today(),
        purpose=purpose,
        known_at=known_at,
    )


HISTORY_ROLES = (Role.ADMIN, Role.AUDITOR)


def _known_at(
    runtime: Runtime, principal: Principal, on: dt.date | None, known: str | None
) -> dt.datetime | None:
    """Return the transaction-time cut-off of a read as of ``on`` (``records.asof``).

    Only the credit centre and audit see the past as it was known then (a record repaired since would be
    used again); everyone else reads any date with what the platform knows now (corrected history).
    """
    if principal.role not in HISTORY_ROLES:
        if known is not None:
            raise Forbidden(
                "只有信用中心和审计人员可以按当时掌握的信息查看历史评价", code="evaluation.known_forbidden"
            )
        return None
    if on is None and known is None:
        return None
    return records_service.as_of_request(runtime, on, known).known_at


@router.get(
    "/subjects/{code}/supervision",
    summary="主体的分级分类监管类别（部门查询）",
    response_model=SupervisionClass,
)
def subject_supervision(
    session: DbSession,
    code: str,
    runtime: AppRuntime,
    department: str | None = Query(None, description="部门编码（默认调用者所在部门）"),
    purpose: str | None = Query(
        None, max_length=64, description="依职责查询的查询情形（默认 daily_supervision）"
    ),
    on: InputDate | None = Query(
        None, description="查询日期（有效时间：按该日施行的分级分类规则；默认最近批次的日期）"
    ),
    known: str | None = Query(None, max_length=40, description=records_service.KNOWN_HELP),
    principal: Principal = Depends(require(*GOVERNMENT)),
) -> dict[str, Any]:
    """Return the subject's supervision class under a department's rule (as it stood, for ``on``/``known``)."""
    dept = _department(session, principal, department)
    subject = subjects_service.get_by_code(session, runtime.keys, code)
    scope.authorise_read(
        session,
        runtime.policy,
        principal,
        subject.id,
        what="supervision_class",
        on=runtime.today(),
        purpose=purpose,
    )
    return inspections.subject_class(
        session,
        runtime.policy,
        subject,
        dept,
        actor=principal.actor,
        today=runtime.today(),
        on=on,
        known_at=_known_at(runtime, principal, on, known),
    )


def _department(session: Session, principal: Principal, code: str | None) -> Department:
    if code is not None:
        dept = departments_service.by_code(session, code)
        if principal.role in (Role.OFFICER, Role.SYSTEM) and principal.department_id not in (None, dept.id):
            raise Forbidden("只能按本部门的规则查询", code="supervision.other_department")
        return dept
    if principal.department_id is None:
        raise Invalid("请指定部门编码 department", code="supervision.department_required")
    found = session.get(Department, principal.department_id)
    if found is None:
        raise Invalid("调用者所在部门不存在", code="supervision.department_required")
    return found


@router.get("/evaluation/runs/latest", summary="最近一次批量评价", response_model=RunSummary)
def latest_run(
    session: DbSession,
    _principal: Principal = Depends(require(*MONITORS)),
) -> dict[str, Any]:
    """Return the latest finished run with its PSI against the previous run."""
    return service.run_summary(service.get_run(session, None))


@router.get("/evaluation/runs/{run_id}", summary="一次批量评价", response_model=RunSummary)
def get_run(
    session: DbSession,
    run_id: int,
    _principal: Principal = Depends(require(*MONITORS)),
) -> dict[str, Any]:
    """Return one run."""
    return service.run_summary(service.get_run(session, run_id))


@router.get(
    "/evaluation/distribution",
    summary="评价等级分布（按区县、行业、模型）与 PSI",
    response_model=Distribution,
    response_model_exclude_unset=True,
)
def distribution(
    session: DbSession,
    run_id: int | None = Query(None, description="批次（默认最近一次）"),
    _principal: Principal = Depends(require(*MONITORS)),
) -> dict[str, Any]:
    """Return a run's grade distribution by county, industry and model, and its PSI."""
    run = service.get_run(session, run_id)
    return {
        "run_id": run.id,
        "as_of": run.as_of.isoformat(),
        "previous_run_id": run.previous_run_id,
        "psi": run.psi,
        **run.distribution,
    }
