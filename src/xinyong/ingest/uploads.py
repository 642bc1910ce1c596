"""Officer uploads from the console: stage a file, preview it against the catalog, ingest it in the
background, and report progress.

A department officer lives in Excel: the console takes the file as the department keeps it (CSV in
UTF-8 or GBK, XLSX, JSON), shows the first rows with the columns the catalog recognises, and only then
runs the batch. A large file must not hold the page: the batch runs in a worker thread with its own
session and transaction (committed at the end, all or nothing, as every batch), and the page polls a
small status file. The status lives in a file beside the staged upload, not in the database: the
batch's own row is invisible to other connections until its transaction commits, and on SQLite a
progress write from another connection would wait behind the batch it reports on.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
import threading
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from xinyong.db import session_scope
from xinyong.errors import Forbidden, Invalid, NotFound, XinyongError
from xinyong.ingest.models import IngestBatch, IngestBatchStat
from xinyong.ingest.readers import detect_format, open_intake
from xinyong.ingest.service import IngestRequest, ingest_file
from xinyong.ingest.sources import Source, sources
from xinyong.ingest.validate import map_columns
from xinyong.kit.crypto import KeyRing
from xinyong.policy.loader import Policy

State = Literal["staged", "running", "done", "failed"]
PREVIEW_ROWS = 5
SUFFIXES = {".csv", ".txt", ".xlsx", ".json", ".jsonl", ".ndjson"}
_JOB_ID = r"^[A-Za-z0-9_-]{16,64}$"
FORMAT_LABELS = {"csv": "CSV 表格", "xlsx": "Excel 表格（XLSX）", "json": "JSON 数据"}
ENCODING_LABELS = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8（带 BOM）", "gb18030": "GBK/GB18030"}


@dataclass(frozen=True)
class SourceChoice:
    """A source an officer's department may send, as the upload form offers it."""

    id: str
    name: str
    formats: str


@dataclass(frozen=True)
class ColumnMatch:
    """One header of the file and the catalog field it maps to (``None``: outside the catalog)."""

    header: str
    field: str | None
    label: str | None


@dataclass(frozen=True)
class Preview:
    """The first rows of a staged file and how its columns match the catalog."""

    file_format: str
    encoding: str | None
    columns: list[ColumnMatch]
    missing_required: list[str]
    rows: list[list[str]]


@dataclass
class UploadJob:
    """A staged or running upload, stored as JSON next to the file."""

    id: str
    source_id: str
    file_name: str
    suffix: str
    department_id: int
    department_code: str
    actor: str
    state: State = "staged"
    rows_done: int = 0
    rows_total: int | None = None
    batch_id: int | None = None
    error: str | None = None
    started: float | None = None
    finished: float | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def in_progress(self) -> bool:
        """Tell whether the batch is still waiting or running (the page keeps polling)."""
        return self.state in ("staged", "running")

    @property
    def failed(self) -> bool:
        """Tell whether the batch failed (nothing of it was stored)."""
        return self.state == "failed"


class JobStore:
    """Staged files and their status files under one directory (``var/uploads/console``)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def file(self, job: UploadJob) -> Path:
        """Return the staged file of a job."""
        return self.root / f"{job.id}{job.suffix}"

    def save(self, job: UploadJob) -> None:
        """Write a job's status atomically (a poll never reads half a file)."""
        tmp = self.root / f"{job.id}.json.tmp"
        tmp.write_text(json.dumps(asdict(job), ensure_ascii=False), "utf-8")
        tmp.replace(self.root / f"{job.id}.json")

    def load(self, job_id: str) -> UploadJob:
        """Return a job or raise ``NotFound``."""
        path = self.root / f"{job_id}.json"
        if not re.match(_JOB_ID, job_id) or not path.is_file():
            raise NotFound("上传任务不存在或已过期", code="ingest.upload_not_found")
        return UploadJob(**json.loads(path.read_text("utf-8")))


def choices(policy: Policy, department_code: str) -> list[SourceChoice]:
    """Return the sources a department may send, its own first (``Source.may_feed`` decides)."""
    own: list[SourceChoice] = []
    rest: list[SourceChoice] = []
    for source in sources(policy).by_id.values():
        if not source.may_feed(department_code):
            continue
        spec = source.spec
        choice = SourceChoice(spec.id, spec.name, "、".join(FORMAT_LABELS[f] for f in spec.formats))
        mine = spec.department == department_code or department_code in spec.departments
        (own if mine else rest).append(choice)
    return own + rest


def _source_for(policy: Policy, source_id: str, department_code: str) -> Source:
    source = sources(policy).get(source_id)
    if not source.may_feed(department_code):
        raise Forbidden(f"本部门不能报送数据源“{source.spec.name}”", code="ingest.department_forbidden")
    return source


def stage(
    store: JobStore,
    policy: Policy,
    *,
    source_id: str,
    file_name: str,
    chunks: Iterator[bytes],
    department_id: int,
    department_code: str,
    actor: str,
) -> UploadJob:
    """Keep an uploaded file for preview; nothing is ingested yet."""
    _source_for(policy, source_id, department_code)
    suffix = Path(file_name).suffix.lower() or ".csv"
    if suffix not in SUFFIXES:
        raise Invalid(f"不支持的文件类型 {suffix}（支持 CSV、XLSX、JSON）", code="ingest.format")
    store.root.mkdir(parents=True, exist_ok=True)
    job = UploadJob(
        id=secrets.token_urlsafe(18),
        source_id=source_id,
        file_name=Path(file_name).name[:300] or f"upload{suffix}",
        suffix=suffix,
        department_id=department_id,
        department_code=department_code,
        actor=actor,
    )
    with store.file(job).open("wb") as fh:
        for block in chunks:
            fh.write(block)
    store.save(job)
    return job


def own_job(store: JobStore, job_id: str, department_id: int | None) -> UploadJob:
    """Return a job of the caller's department (the credit centre's admins: any)."""
    job = store.load(job_id)
    if department_id is not None and job.department_id != department_id:
        raise Forbidden("只能查看本部门的上传任务", code="ingest.forbidden")
    return job


def _cell(value: Any) -> str:
    return "" if value is None else str(value)[:200]


def preview(store: JobStore, policy: Policy, job: UploadJob) -> Preview:
    """Read the first rows of a staged file and match its headers against the source's catalog item."""
    source = _source_for(policy, job.source_id, job.department_code)
    path = store.file(job)
    fmt = detect_format(path)
    if fmt not in source.spec.formats:
        raise Invalid(f"数据源“{source.spec.name}”不接受{FORMAT_LABELS[fmt]}", code="ingest.format")
    intake = open_intake(path, chunk_rows=PREVIEW_ROWS)
    first = next(intake.chunks, None)
    rows: list[list[str]] = []
    if first is not None:
        table = first.table.to_pydict()
        rows = [[_cell(table[h][i]) for h in intake.headers] for i in range(first.table.num_rows)]
    mapping, _unknown = map_columns(source, intake.headers)
    labels = {f.name: f.label for f in source.item.fields}
    columns = [ColumnMatch(h, mapping.get(h), labels.get(mapping.get(h) or "")) for h in intake.headers]
    mapped = set(mapping.values())
    missing = [f.label for f in source.item.fields if f.required and f.name not in mapped]
    return Preview(fmt, intake.encoding, columns, missing, rows[:PREVIEW_ROWS])


def _count_rows(path: Path, fmt: str) -> int | None:
    """Return the data rows of a CSV file (lines after the header), for the progress bar; else ``None``."""
    if fmt != "csv":
        return None
    lines = 0
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            lines += block.count(b"\n")
    return max(lines - 1, 0)


@dataclass(frozen=True)
class Runner:
    """What a background batch needs: a session factory, policy, keys and the platform's settings."""

    sessions: sessionmaker[Session]
    policy: Policy
    keys: KeyRing
    chunk_rows: int


def run(store: JobStore, runner: Runner, job: UploadJob) -> UploadJob:
    """Ingest a staged job in its own session and transaction; record progress and the outcome."""
    path = store.file(job)
    job.state, job.started = "running", time.time()
    job.rows_total = _count_rows(path, detect_format(path))
    store.save(job)
    last = [0.0]

    def progress(rows: int) -> None:
        job.rows_done += rows
        if time.monotonic() - last[0] > 0.5:  # a status write per chunk at most twice a second
            last[0] = time.monotonic()
            store.save(job)

    try:
        with session_scope(runner.sessions) as session:
            request = IngestRequest(
                path=path,
                source_id=job.source_id,
                actor=job.actor,
                department_code=job.department_code,
                restrict_to_department=True,
                channel="console",
                file_name=job.file_name,
                chunk_rows=runner.chunk_rows,
            )
            result = ingest_file(session, request, policy=runner.policy, keys=runner.keys, progress=progress)
        job.state, job.batch_id, job.rows_done = "done", result.batch_id, result.rows
        job.warnings = result.warnings
    except XinyongError as exc:
        job.state, job.error = "failed", exc.message
    except Exception:  # the thread has no caller to raise to: the officer is told, the log keeps the rest
        logging.getLogger(__name__).exception("console upload %s failed", job.id)
        job.state, job.error = "failed", "处理文件时发生内部错误，未入库任何数据，请联系信用中心"
    job.finished = time.time()
    store.save(job)
    path.unlink(missing_ok=True)
    return job


_threads: dict[str, threading.Thread] = {}


def claim(store: JobStore, job: UploadJob) -> None:
    """Mark a staged job as running (a job already started is refused)."""
    if job.state != "staged":
        raise Invalid("该上传任务已提交", code="ingest.upload_started")
    job.state = "running"
    store.save(job)


def launch(store: JobStore, runner: Runner, job: UploadJob) -> None:
    """Run a claimed job in a background thread with its own session.

    A request starts it after its response is sent (``BackgroundTasks``), so the request's own session
    has committed and closed before the job's session begins.
    """
    thread = threading.Thread(target=run, args=(store, runner, job), name=f"upload-{job.id}", daemon=True)
    _threads[job.id] = thread
    thread.start()


def wait(job_id: str, timeout: float = 60.0) -> None:
    """Wait for a background job of this process to finish (the CLI and tests)."""
    thread = _threads.pop(job_id, None)
    if thread is not None:
        thread.join(timeout)


def department_batches(session: Session, department_id: int | None, limit: int = 30) -> list[IngestBatch]:
    """Return the latest batches, of one department (those it sent or had rows in) or of all."""
    stmt = select(IngestBatch).order_by(IngestBatch.id.desc()).limit(limit)
    if department_id is not None:
        stmt = stmt.where(
            (IngestBatch.department_id == department_id)
            | IngestBatch.id.in_(
                select(IngestBatchStat.batch_id).where(IngestBatchStat.department_id == department_id)
            )
        )
    return list(session.scalars(stmt))


def batch_of_department(session: Session, batch_id: int, department_id: int | None) -> IngestBatch:
    """Return a batch the department sent or had rows in (the credit centre: any), else raise."""
    batch = session.get(IngestBatch, batch_id)
    if batch is None:
        raise NotFound(f"批次 {batch_id} 不存在", code="ingest.batch_not_found")
    if department_id is None or batch.department_id == department_id:
        return batch
    own = session.scalar(
        select(IngestBatchStat.id).where(
            IngestBatchStat.batch_id == batch_id, IngestBatchStat.department_id == department_id
        )
    )
    if own is None:
        raise Forbidden("只能查看本部门的批次", code="ingest.forbidden")
    return batch
