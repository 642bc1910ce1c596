"""Ingest use cases: run a batch of a source, all or nothing, every row accounted for.

A batch is one transaction owned by the caller (the CLI or the request commits; a killed process leaves
nothing). Each row read ends as exactly one of accepted / updated (same record key, changed content: a
new version supersedes the old, both kept) / duplicate (same key and content) / rejected (kept with its
raw content and errors) / unresolved (valid, waiting in the 未关联 queue). The same file sent again
(same source and SHA-256) changes nothing and answers with the earlier batch.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.audit import service as audit
from xinyong.db import utcnow
from xinyong.departments.models import Department as DepartmentRow
from xinyong.errors import Forbidden, Invalid
from xinyong.ingest import hooks, queries
from xinyong.ingest import queue as _queue

# Re-exported for the console: the intake read model, the reject export, the quality report, the 未关联 queue.
from xinyong.ingest.dashboard import intake as intake
from xinyong.ingest.export import export_rejects as export_rejects
from xinyong.ingest.models import IngestBatch, IngestBatchStat
from xinyong.ingest.prepare import prepared_chunks
from xinyong.ingest.quality import quality_report as quality_report
from xinyong.ingest.queue import get_unresolved as get_unresolved
from xinyong.ingest.queue import list_unresolved as list_unresolved
from xinyong.ingest.queue import unresolved_dict as unresolved_dict
from xinyong.ingest.readers import Intake, file_sha256, open_intake
from xinyong.ingest.resolve import Resolver
from xinyong.ingest.retention import CODE as RETENTION_CODE
from xinyong.ingest.sources import Source, sources
from xinyong.ingest.store import ChunkWriter
from xinyong.ingest.uscc_cache import UsccIndexCache
from xinyong.ingest.validate import Context, Department, map_columns
from xinyong.kit.crypto import KeyRing
from xinyong.policy.loader import Policy
from xinyong.records.digest import batch_digest

UNRESOLVED_STATUS_LABELS = _queue.STATUS_LABELS  # the review queue's statuses, in Chinese

decide_unresolved = _queue.decide  # re-exported: a decision on a 未关联 row

SHANGHAI = ZoneInfo("Asia/Shanghai")
BUCKETS = ("accepted", "updated", "duplicate", "rejected", "unresolved", "archived")


@dataclass
class BatchResult:
    """What a batch did: the counts add up to the rows read."""

    batch_id: int
    source: str
    rows: int = 0
    accepted: int = 0
    updated: int = 0
    duplicate: int = 0
    rejected: int = 0
    unresolved: int = 0
    archived: int = 0  # already past retention when received: audit archive only (record.retention_expired)
    subjects_created: int = 0
    notices: int = 0
    file_format: str = ""
    encoding: str | None = None
    already_ingested: bool = False
    unknown_columns: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Return the result as JSON-ready data."""
        return asdict(self)

    def summary_zh(self) -> str:
        """Return one line in Chinese."""
        head = "该文件此前已入库，未做任何更改；" if self.already_ingested else ""
        return (
            f"{head}批次 {self.batch_id}（{self.source}）：读取 {self.rows} 行，新增 {self.accepted}，"
            f"更新 {self.updated}，重复 {self.duplicate}，拒收 {self.rejected}，待关联 {self.unresolved}"
            + (f"，超过保存期限仅存档 {self.archived}" if self.archived else "")
            + (f"；已生成信用修复告知书 {self.notices} 份" if self.notices else "")
        )


def department_index(
    session: Session, on: dt.date | None = None
) -> tuple[dict[str, Department], dict[str, Department]]:
    """Return the departments registered on ``on`` (default: every one) by USCC and by code."""
    by_uscc: dict[str, Department] = {}
    by_code: dict[str, Department] = {}
    d = DepartmentRow
    rows = session.execute(select(d.id, d.code, d.region_code, d.domain, d.uscc, d.valid_to))
    for dept_id, code, region, domain, uscc, valid_to in rows:  # plain rows: no ORM objects per batch
        if on is not None and valid_to is not None and valid_to < on:
            continue  # retired: its old batches keep pointing at it, new feeds are refused
        dep = Department(dept_id, code, region, domain)
        by_code[code] = dep
        if uscc:
            by_uscc[uscc] = dep
    return by_uscc, by_code


def _previous(session: Session, source_id: str, file_hash: str) -> IngestBatch | None:
    return session.scalar(
        select(IngestBatch)
        .where(IngestBatch.source_id == source_id, IngestBatch.file_hash == file_hash)
        .order_by(IngestBatch.id)
        .limit(1)
    )


def _result_of(batch: IngestBatch, *, already: bool) -> BatchResult:
    return BatchResult(
        batch_id=batch.id,
        source=batch.source_id,
        rows=batch.rows,
        accepted=batch.accepted,
        updated=batch.updated,
        duplicate=batch.duplicate,
        rejected=batch.rejected,
        unresolved=batch.unresolved,
        archived=batch.archived,
        subjects_created=batch.subjects_created,
        file_format=batch.file_format,
        encoding=batch.encoding,
        already_ingested=already,
        unknown_columns=list(batch.unknown_columns),
        warnings=list(batch.warnings),
    )


def _feeder(source: Source, by_code: dict[str, Department], code: str | None) -> Department | None:
    spec = source.spec
    chosen = code or spec.department
    if chosen and chosen not in by_code:
        raise Invalid(
            f"部门 {chosen} 未在本平台部门名录中登记（或已撤销），不能报送数据；"
            "部门名录见 policy/departments.yaml，修改后运行 xinyong policy sync",
            code="department.not_found",
        )
    if spec.department_by:
        return by_code[code] if code else None
    if not source.may_feed(chosen or ""):
        raise Forbidden(f"部门 {chosen} 不能报送数据源 {source.id}", code="ingest.department_forbidden")
    return by_code[chosen or ""]


@dataclass(frozen=True)
class IngestRequest:
    """One file to ingest: what was sent, by whom, through which channel, and how to run the batch.

    ``received_at`` (default: now) is when the department delivered the file; it drives 及时率 and is
    given explicitly only when replaying an archive of earlier deliveries. With ``prepare_ahead`` the
    next chunk is validated in a worker thread while this one is written. With ``issue_notices`` the
    repair notices of the batch's new penalty and listing records are issued in the same transaction
    (两书同达: the notice goes out with the decision). ``restrict_to_department``: a department system
    sending a multi-department feed may only send its own rows.
    """

    path: Path
    source_id: str
    actor: str
    department_code: str | None = None
    restrict_to_department: bool = False
    channel: str = "file"
    file_name: str | None = None
    chunk_rows: int = 25_000
    today: dt.date | None = None
    received_at: dt.datetime | None = None
    prepare_ahead: bool = True
    issue_notices: bool = True


@dataclass
class _Run:
    """A batch being written: its row, source, departments and column mapping."""

    batch: IngestBatch
    source: Source
    feeder: Department | None
    by_uscc: dict[str, Department]
    by_code: dict[str, Department]
    mapping: dict[str, str]
    unknown: list[str]
    now: dt.datetime


def ingest_file(
    session: Session,
    request: IngestRequest,
    *,
    policy: Policy,
    keys: KeyRing,
    progress: Callable[[int], None] | None = None,
    uscc_index: UsccIndexCache | None = None,
) -> BatchResult:
    """Ingest one file of a source in the caller's transaction; return the batch result.

    ``uscc_index`` keeps the register's USCC index between the files of a load (``ingest.uscc_cache``).
    """
    source = sources(policy).get(request.source_id)
    intake = open_intake(request.path, chunk_rows=request.chunk_rows)
    if intake.file_format not in source.spec.formats:
        raise Invalid(f"数据源 {request.source_id} 不接受 {intake.file_format} 格式", code="ingest.format")
    file_hash = file_sha256(request.path)
    earlier = _previous(session, request.source_id, file_hash)
    if earlier is not None:
        return _result_of(earlier, already=True)
    run = _open_batch(session, policy, request, source, intake, file_hash)
    resolver = Resolver(session, keys, city_region=policy.city_region, index=uscc_index)
    writer = _write_chunks(session, policy, resolver, request, run, intake, progress)
    _close_batch(session, policy, request.actor, run, writer)
    result = _result_of(run.batch, already=False)
    counts = writer.totals
    if request.issue_notices and counts["accepted"] + counts["updated"]:
        result.notices = hooks.batch_stored(session, policy, batch_id=run.batch.id, actor=request.actor)
    return result


def _open_batch(
    session: Session, policy: Policy, request: IngestRequest, source: Source, intake: Intake, file_hash: str
) -> _Run:
    """Check the feeding department and add the batch row (flushed)."""
    now = request.received_at or utcnow()
    by_uscc, by_code = department_index(session, now.astimezone(SHANGHAI).date())
    feeder = _feeder(source, by_code, request.department_code)
    queries.tune_for_bulk(session.connection())
    mapping, unknown = map_columns(source, intake.headers)
    batch = IngestBatch(
        source_id=source.id,
        catalog_item=source.item.id,
        department_id=feeder.id if feeder else None,
        file_name=(request.file_name or request.path.name)[:300],
        file_hash=file_hash,
        file_format=intake.file_format,
        encoding=intake.encoding,
        channel=request.channel,
        status="committed",
        headers=intake.headers,
        unknown_columns=unknown,
        warnings=[],
        policy_hash=policy.hash,
        actor=request.actor,
        received_at=now,
    )
    session.add(batch)
    session.flush()
    return _Run(batch, source, feeder, by_uscc, by_code, mapping, unknown, now)


def _write_chunks(
    session: Session,
    policy: Policy,
    resolver: Resolver,
    request: IngestRequest,
    run: _Run,
    intake: Intake,
    progress: Callable[[int], None] | None,
) -> ChunkWriter:
    """Validate and write every chunk of the file; return the writer with the batch's counts."""
    source, feeder, now = run.source, run.feeder, run.now
    keys = resolver.keys
    restricted = request.restrict_to_department and feeder is not None and source.spec.department_by
    ctx = Context(
        source=source,
        enums={ref: policy.enum_labels(ref) for ref in policy.enums.enums},
        severity=policy.severity,
        departments_by_uscc=run.by_uscc,
        department=feeder,
        today=request.today or now.astimezone(SHANGHAI).date(),
        keys=keys,
        known_usccs=resolver.usccs,
        only_department=feeder.code if restricted and feeder is not None else None,
    )
    writer = ChunkWriter(
        session,
        policy,
        source,
        run.batch,
        run.by_code,
        resolver,
        intake.headers,
        request.actor,
        now,
        today=ctx.today,
    )
    for prepared in prepared_chunks(ctx, intake.chunks, run.mapping, ahead=request.prepare_ahead):
        writer.write(prepared, run.mapping)
        if progress:
            progress(prepared.chunk.table.num_rows + len(prepared.chunk.malformed))
    return writer


def _close_batch(session: Session, policy: Policy, actor: str, run: _Run, writer: ChunkWriter) -> None:
    """Store the batch's counts, warnings and per-department statistics, and audit it."""
    batch, counts = run.batch, writer.totals
    for bucket in ("rows", *BUCKETS, "subjects_created"):
        setattr(batch, bucket, counts[bucket])
    total = sum(counts[b] for b in BUCKETS)
    if total != counts["rows"]:  # pragma: no cover - an invariant; never expected
        raise AssertionError(f"row accounting broken: {counts}")
    batch.warnings = _warnings(run.source, counts["rows"], run.unknown)
    if counts["archived"]:
        batch.warnings = [
            *batch.warnings,
            f"[{RETENTION_CODE}] {counts['archived']} 条记录在报送时已超过保存期限（{policy.retention.basis}），"
            "仅存入审计档案，不进入信用档案",
        ]
    batch.finished_at = utcnow()
    for dept_id, stat in writer.stats.items():
        session.add(IngestBatchStat(batch_id=batch.id, department_id=dept_id, **stat))
    session.flush()
    stored, records_digest = batch_digest(session, batch.id)
    audit.append(
        session,
        actor=actor,
        action="ingest.batch",
        object_type="ingest_batch",
        object_id=batch.id,
        detail={
            "source": run.source.id,
            "file_hash": batch.file_hash,
            **{k: counts[k] for k in ("rows", *BUCKETS, "subjects_created")},
            "resolution": writer.methods,
            "policy_hash": policy.hash,
            "records": stored,
            "records_digest": records_digest,
        },
    )


def _warnings(source: Source, rows: int, unknown: list[str]) -> list[str]:
    out = []
    vol = source.spec.volume
    if rows < vol.min_rows:
        out.append(f"行数 {rows} 少于预期下限 {vol.min_rows}")
    if rows > vol.max_rows:
        out.append(f"行数 {rows} 超过预期上限 {vol.max_rows}")
    if unknown:
        out.append("以下列不在目录范围内，未入库：" + "、".join(unknown))
    return out


def batch_dict(session: Session, batch_id: int) -> dict[str, Any]:
    """Return a batch with its counts and per-department statistics."""
    from xinyong.errors import NotFound

    batch = session.get(IngestBatch, batch_id)
    if batch is None:
        raise NotFound(f"批次 {batch_id} 不存在", code="ingest.batch_not_found")
    stats = session.scalars(select(IngestBatchStat).where(IngestBatchStat.batch_id == batch_id)).all()
    out = _result_of(batch, already=False).to_dict()
    out.pop("already_ingested")
    out.pop("notices")
    out.update(
        department_id=batch.department_id,
        file_name=batch.file_name,
        file_hash=batch.file_hash,
        status=batch.status,
        policy_hash=batch.policy_hash,
        received_at=batch.received_at.isoformat(),
        finished_at=batch.finished_at.isoformat() if batch.finished_at else None,
        departments=[
            {k: getattr(s, k) for k in ("department_id", "rows", *BUCKETS, "code_errors", "code_conflicts")}
            for s in stats
        ],
    )
    return json.loads(json.dumps(out, default=str))  # type: ignore[no-any-return]
