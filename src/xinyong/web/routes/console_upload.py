"""Console: a department officer uploads a file — preview, background batch, progress, result."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.orm import Session

from xinyong.app_deps import AppRuntime, DbSession
from xinyong.auth.deps import require
from xinyong.auth.principal import Principal
from xinyong.departments import service as departments_service
from xinyong.errors import Forbidden
from xinyong.ingest import uploads
from xinyong.runtime import Runtime
from xinyong.web import csrf, permissions
from xinyong.web.templating import render

router = APIRouter(prefix="/console/ingest/upload")
officer = require(permissions.INGEST_UPLOAD)


def _store(runtime: Runtime) -> uploads.JobStore:
    return uploads.JobStore(runtime.settings.var_dir / "uploads" / "console")


def _own_department(session: Session, principal: Principal) -> tuple[int, str]:
    if principal.department_id is None:
        raise Forbidden("当前账号未绑定部门，不能上传数据", code="ingest.no_department")
    return principal.department_id, departments_service.by_id(session, principal.department_id).code


def _blocks(file: UploadFile) -> Iterator[bytes]:
    yield from iter(lambda: file.file.read(1 << 20), b"")


@router.get("", response_class=HTMLResponse)
def upload_form(
    request: Request,
    session: DbSession,
    runtime: AppRuntime,
    principal: Principal = Depends(officer),
) -> HTMLResponse:
    """Offer the sources the officer's department may send, and its batch history."""
    dept_id, code = _own_department(session, principal)
    return render(
        request,
        "console/upload.html",
        {
            "title": "上传数据文件",
            "section": "ingest",
            "choices": uploads.choices(runtime.policy, code),
            "batches": uploads.department_batches(session, dept_id, limit=20),
            "batches_title": "本部门批次记录",
        },
    )


@router.post("", response_class=HTMLResponse, dependencies=[Depends(csrf.verify)])
def upload_stage(
    request: Request,
    source_id: Annotated[str, Form(max_length=64)],
    file: Annotated[UploadFile, File()],
    session: DbSession,
    runtime: AppRuntime,
    principal: Principal = Depends(officer),
) -> HTMLResponse:
    """Keep the file and show its first rows with the catalog's column mapping; nothing is stored yet."""
    dept_id, code = _own_department(session, principal)
    store = _store(runtime)
    job = uploads.stage(
        store,
        runtime.policy,
        source_id=source_id,
        file_name=file.filename or "upload.csv",
        chunks=_blocks(file),
        department_id=dept_id,
        department_code=code,
        actor=principal.actor,
    )
    return render(
        request,
        "console/upload_preview.html",
        {
            "title": "确认上传",
            "section": "ingest",
            "job": job,
            "preview": uploads.preview(store, runtime.policy, job),
            "format_labels": uploads.FORMAT_LABELS,
            "encoding_labels": uploads.ENCODING_LABELS,
        },
    )


@router.post("/{job_id}/start", dependencies=[Depends(csrf.verify)])
def upload_start(
    job_id: str,
    runtime: AppRuntime,
    background: BackgroundTasks,
    principal: Principal = Depends(officer),
) -> RedirectResponse:
    """Start the batch in the background and go to its progress page."""
    store = _store(runtime)
    job = uploads.own_job(store, job_id, principal.department_id)
    runner = uploads.Runner(
        sessions=runtime.sessions,
        policy=runtime.policy,
        keys=runtime.keys,
        chunk_rows=min(runtime.settings.ingest_chunk_rows, 5_000),
    )
    uploads.claim(store, job)
    background.add_task(uploads.launch, store, runner, job)  # after the request's session has closed
    return RedirectResponse(f"/console/ingest/upload/{job.id}", status_code=303)


@router.get("/{job_id}", response_class=HTMLResponse)
def upload_status(
    request: Request,
    job_id: str,
    session: DbSession,
    runtime: AppRuntime,
    principal: Principal = Depends(officer),
) -> HTMLResponse:
    """Show the progress of an upload (the fragment alone for htmx polls), then its result."""
    job = uploads.own_job(_store(runtime), job_id, principal.department_id)
    fragment = request.headers.get("hx-request") == "true"
    batch = (
        uploads.batch_of_department(session, job.batch_id, principal.department_id)
        if job.batch_id is not None
        else None
    )
    return render(
        request,
        "console/_upload_status.html" if fragment else "console/upload_status.html",
        {"title": "上传进度", "section": "ingest", "job": job, "batch": batch},
    )
