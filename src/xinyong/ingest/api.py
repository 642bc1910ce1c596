"""REST endpoints of 归集: department systems post batches; officers review the 未关联 queue."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, File, Query, UploadFile
from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.app_deps import AppRuntime, DbSession
from xinyong.audit import service as audit
from xinyong.auth.deps import require
from xinyong.auth.principal import Principal, Role
from xinyong.departments.models import Department
from xinyong.errors import Forbidden
from xinyong.ingest import queue
from xinyong.ingest.models import IngestBatch
from xinyong.ingest.quality import quality_report
from xinyong.ingest.schemas import (
    BatchRead,
    BatchResult,
    DecisionIn,
    DecisionResult,
    QualityReport,
    UnresolvedRead,
)
from xinyong.ingest.service import IngestRequest, batch_dict, ingest_file

router = APIRouter(prefix="/api/v1", tags=["归集"])
REVIEWERS = (Role.OFFICER, Role.ADMIN)


def _scope(principal: Principal) -> int | None:
    """Return the department a caller is limited to (``None`` for the credit centre's admins)."""
    if principal.role == Role.ADMIN:
        return None
    if principal.department_id is None:
        raise Forbidden("当前账号未绑定部门", code="ingest.no_department")
    return principal.department_id


def _audit_read(session: Session, principal: Principal, row_ids: list[int]) -> None:
    """Audit a read of 未关联 rows: they hold names and numbers as departments sent them."""
    if row_ids:
        audit.append(
            session,
            actor=principal.actor,
            action="ingest.unresolved_read",
            object_type="unresolved_row",
            object_id=row_ids[0] if len(row_ids) == 1 else None,
            detail={"rows": row_ids[:500], "count": len(row_ids)},
        )


@router.post(
    "/sources/{source_id}/batches",
    summary="部门业务系统报送一批数据（CSV、XLSX 或 JSON 文件）",
    response_model=BatchResult,
)
def post_batch(
    session: DbSession,
    source_id: str,
    runtime: AppRuntime,
    file: UploadFile = File(..., description="报送文件"),
    principal: Principal = Depends(require(Role.SYSTEM)),
) -> dict[str, Any]:
    """Ingest a file sent by a department system with its API key (the key's department feeds)."""
    dept_id = _scope(principal)
    code = session.scalar(select(Department.code).where(Department.id == dept_id))
    suffix = Path(file.filename or "upload.csv").suffix or ".csv"
    upload_dir = runtime.settings.var_dir / "uploads"
    upload_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=upload_dir, suffix=suffix, delete=False) as tmp:
        shutil.copyfileobj(file.file, tmp)
        path = Path(tmp.name)
    try:
        result = ingest_file(
            session,
            IngestRequest(
                path=path,
                source_id=source_id,
                actor=principal.actor,
                department_code=code,
                restrict_to_department=True,
                channel="api",
                file_name=file.filename or path.name,
                chunk_rows=runtime.settings.ingest_chunk_rows,
            ),
            policy=runtime.policy,
            keys=runtime.keys,
        )
    finally:
        path.unlink(missing_ok=True)
    return result.to_dict()


@router.get("/batches/{batch_id}", summary="查询批次结果与分部门统计", response_model=BatchRead)
def get_batch(
    session: DbSession,
    batch_id: int,
    principal: Principal = Depends(require(Role.SYSTEM, Role.OFFICER, Role.ADMIN)),
) -> dict[str, Any]:
    """Return a batch the caller's department sent (admins: any)."""
    dept_id = _scope(principal)
    batch = session.get(IngestBatch, batch_id)
    data = batch_dict(session, batch_id)
    if dept_id is not None and batch is not None and batch.department_id not in (dept_id, None):
        raise Forbidden("只能查看本部门的批次", code="ingest.forbidden")
    if dept_id is not None and batch is not None and batch.department_id is None:
        data["departments"] = [d for d in data["departments"] if d["department_id"] == dept_id]
    return data


@router.get("/unresolved", summary="未关联队列", response_model=list[UnresolvedRead])
def get_unresolved_list(
    session: DbSession,
    status: str = Query("pending", pattern="^(pending|linked)$"),
    limit: int = Query(50, ge=1, le=500),
    offset: int = Query(0, ge=0, le=1_000_000_000),
    principal: Principal = Depends(require(*REVIEWERS)),
) -> list[dict[str, Any]]:
    """List queue rows with their ranked candidates (rows as the feed sent them: every read audited)."""
    rows = queue.list_unresolved(
        session, department_id=_scope(principal), status=status, limit=limit, offset=offset
    )
    _audit_read(session, principal, [r.id for r in rows])
    return [queue.unresolved_dict(r) for r in rows]


@router.get("/unresolved/{row_id}", summary="待关联记录详情", response_model=UnresolvedRead)
def get_unresolved(
    session: DbSession,
    row_id: int,
    principal: Principal = Depends(require(*REVIEWERS)),
) -> dict[str, Any]:
    """Return one queue row."""
    row = queue.get_unresolved(session, row_id, department_id=_scope(principal))
    _audit_read(session, principal, [row.id])
    return queue.unresolved_dict(row)


@router.post("/unresolved/{row_id}/decisions", summary="判定是否同一主体", response_model=DecisionResult)
def post_decision(
    session: DbSession,
    row_id: int,
    body: DecisionIn,
    runtime: AppRuntime,
    principal: Principal = Depends(require(*REVIEWERS)),
) -> dict[str, Any]:
    """Store a same / not-same decision and link the row(s) when same."""
    return queue.decide(
        session,
        runtime.policy,
        row_id,
        subject_id=body.subject_id,
        same=body.same,
        actor=principal.actor,
        department_id=_scope(principal),
    )


@router.get(
    "/quality",
    summary="归集质量指标（入库率、关联率、及时率、完整率、重错码率）",
    response_model=QualityReport,
)
def get_quality(
    session: DbSession,
    runtime: AppRuntime,
    period: str | None = Query(None, pattern=r"^\d{4}(-\d{2})?$"),
    department: str | None = Query(None),
    principal: Principal = Depends(require(Role.OFFICER, Role.SUPERVISOR, Role.ADMIN)),
) -> dict[str, Any]:
    """Return the KPIs per department and period."""
    if principal.role == Role.OFFICER:
        own = session.scalar(select(Department.code).where(Department.id == principal.department_id))
        department = own
    return quality_report(session, runtime.policy, period=period, department_code=department)
