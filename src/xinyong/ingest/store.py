"""Write a validated chunk: rejects, the 未关联 queue, and credit records (new, new version, duplicate).

Records are inserted with the driver's ``executemany`` over tuples (no ORM objects in the hot path).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from itertools import repeat
from typing import Any, Literal
from zoneinfo import ZoneInfo

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy.orm import Session

from xinyong.db import bulk_insert
from xinyong.ingest import held, retention
from xinyong.ingest.fields import mask_of
from xinyong.ingest.models import ArchivedRow, IngestBatch
from xinyong.ingest.payload import digest, record_keys
from xinyong.ingest.prepare import Prepared
from xinyong.ingest.readers import Chunk
from xinyong.ingest.resolve import Resolver
from xinyong.ingest.sources import Source
from xinyong.ingest.validate import Department, Validated
from xinyong.kit.ids import mask_ric
from xinyong.policy.loader import Policy
from xinyong.records import service as records_service
from xinyong.records.schemas import RecordVersionIn

STAT_KEYS = (
    "rows",
    "accepted",
    "updated",
    "duplicate",
    "rejected",
    "unresolved",
    "archived",
    "fields_expected",
    "fields_filled",
    "code_errors",
    "code_conflicts",
)
SHANGHAI = ZoneInfo("Asia/Shanghai")
REJECT_COLUMNS = ("batch_id", "department_id", "line_no", "raw_enc", "raw_masked", "errors")


class ChunkWriter:
    """Accumulates a batch's counts while writing its chunks."""

    def __init__(
        self,
        session: Session,
        policy: Policy,
        source: Source,
        batch: IngestBatch,
        by_code: Mapping[str, Department],
        resolver: Resolver,
        headers: list[str],
        actor: str,
        now: dt.datetime,
        today: dt.date | None = None,
    ) -> None:
        self.session = session
        self.policy = policy
        self.source = source
        self.batch = batch
        self.by_code = by_code
        self.resolver = resolver
        self.headers = headers
        self.actor = actor
        self.now = now
        self.totals: dict[str, int] = dict.fromkeys(
            (
                "rows",
                "accepted",
                "updated",
                "duplicate",
                "rejected",
                "unresolved",
                "archived",
                "subjects_created",
            ),
            0,
        )
        self.today = today or now.astimezone(SHANGHAI).date()
        self.archived_ends: list[dt.date] = []
        self.stats: dict[int | None, dict[str, int]] = {}
        self.methods: dict[str, int] = {}
        self.region_names = [r.name for r in policy.regions.regions]
        self.dept_regions = {code: d.region for code, d in by_code.items()}

    # -- bookkeeping -------------------------------------------------------------------------------
    def _count(self, bucket: str, dept_ids: np.ndarray, rows: np.ndarray | list[int]) -> None:
        idx = np.asarray(rows, dtype=np.int64)
        self.totals[bucket] += len(idx)
        for dept_id, cnt in zip(*np.unique(dept_ids[idx], return_counts=True), strict=True):
            key = None if dept_id < 0 else int(dept_id)
            self.stats.setdefault(key, dict.fromkeys(STAT_KEYS, 0))[bucket] += int(cnt)

    def _add_stat(self, key: str, dept_ids: np.ndarray, values: np.ndarray) -> None:
        for dept_id in np.unique(dept_ids):
            k = None if dept_id < 0 else int(dept_id)
            self.stats.setdefault(k, dict.fromkeys(STAT_KEYS, 0))[key] += int(
                values[dept_ids == dept_id].sum()
            )

    # -- one chunk ---------------------------------------------------------------------------------
    def write(self, p: Prepared, mapping: Mapping[str, str]) -> None:
        """Write one validated chunk."""
        chunk, v = p.chunk, p.v
        item = self.source.item
        n = v.n
        fallback = self.batch.department_id if self.batch.department_id is not None else -1
        enc = pc.dictionary_encode(v.department)
        codes = enc.dictionary.to_pylist()
        lookup = np.array([self.by_code[c].id if c in self.by_code else fallback for c in codes] + [fallback])
        dept_ids = lookup[pc.fill_null(enc.indices, len(codes)).to_numpy(zero_copy_only=False)].astype(
            np.int64
        )
        failed = np.zeros(n, dtype=bool)
        if v.failures.rows:
            failed[list(v.failures.rows)] = True
        self._count("rows", dept_ids, np.arange(n))
        self._completeness(v, chunk, mapping, dept_ids)
        self._add_stat("code_errors", dept_ids, v.code_errors.astype(np.int64))
        self._rejects(chunk, v, failed, dept_ids, mapping)
        ok = ~failed
        res = self.resolver.resolve(item, v, ok, self.dept_regions, self.actor)
        self.totals["subjects_created"] += res.created
        for k, c in res.methods.items():
            self.methods[k] = self.methods.get(k, 0) + c
        self._add_stat("code_conflicts", dept_ids, res.conflicts.astype(np.int64))
        if res.unresolved:
            held.queue_unresolved(self, p, res.unresolved, dept_ids, v.department.to_pylist())
            self._count("unresolved", dept_ids, res.unresolved)
        linked = np.flatnonzero(ok & mask_of(pc.is_valid(res.subject_ids)))
        if len(linked):
            linked = self._archive_expired(p, linked, res.subject_ids, dept_ids)
        if len(linked):
            self._records(p, linked, res.subject_ids, dept_ids)

    def _archive_expired(
        self, p: Prepared, rows: np.ndarray, sids: pa.Array, dept_ids: np.ndarray
    ) -> np.ndarray:
        """Archive the rows already past retention on the day received; return the other rows."""
        item = self.source.item
        if item.polarity != "negative":
            return rows
        v, roles = p.v, item.roles
        decided = v.dates.get(roles.get("decision_on", ""))
        if decided is None:
            return rows
        ends = v.dates.get(roles.get("valid_to", ""))
        take = pa.array(rows)
        decision = pc.take(decided, take).to_pylist()
        valid_to = pc.take(ends, take).to_pylist() if ends is not None else [None] * len(rows)
        subject_ids = pc.take(sids, take).to_pylist()
        severity = pc.take(v.severity, take).to_pylist()
        intake = [
            retention.IntakeRow(
                int(i), subject_ids[j], decision[j], valid_to[j], severity[j], p.texts[int(i)]
            )
            for j, i in enumerate(rows)
        ]
        expired = retention.expired_at_intake(
            self.session, self.policy, item.id, item.polarity, intake, self.today
        )
        if not expired:
            return rows
        docs = v.text.get(roles["document_no"], pa.nulls(v.n, pa.string())).to_pylist()
        keys = self.resolver.keys
        line_nos = p.chunk.line_nos
        for j, i in enumerate(rows):
            end = expired.get(int(i))
            if end is None:
                continue
            self.session.add(
                ArchivedRow(
                    batch_id=self.batch.id,
                    department_id=None if dept_ids[i] < 0 else int(dept_ids[i]),
                    subject_id=subject_ids[j],
                    line_no=line_nos[i] if i < len(line_nos) else None,
                    catalog_item=item.id,
                    document_no=docs[i],
                    decision_on=decision[j],
                    retention_end=end,
                    content_hash=p.hashes[int(i)] or "",
                    payload_enc=keys.encrypt(p.texts[int(i)] or "{}"),
                    code=retention.CODE,
                    message=retention.message(end, self.policy),
                    received_at=self.now,
                )
            )
            self.archived_ends.append(end)
        self.session.flush()
        gone = np.array(sorted(expired), dtype=np.int64)
        self._count("archived", dept_ids, gone)
        return rows[~np.isin(rows, gone)]

    def _completeness(
        self, v: Validated, chunk: Chunk, mapping: Mapping[str, str], dept_ids: np.ndarray
    ) -> None:
        cats = v.category
        expected = np.zeros(v.n, dtype=np.int64)
        filled = np.zeros(v.n, dtype=np.int64)
        by_field = {name: header for header, name in mapping.items()}
        for f in self.source.item.fields:
            if f.required_for:
                applicable = mask_of(pc.is_in(cats, value_set=pa.array(f.required_for, pa.string())))
            else:
                applicable = np.ones(v.n, dtype=bool)
            expected += applicable
            header = by_field.get(f.name)
            if header is not None:
                col = chunk.table.column(header)
                present = mask_of(pc.not_equal(pc.utf8_trim_whitespace(pc.fill_null(col, "")), ""))
                filled += applicable & present
        self._add_stat("fields_expected", dept_ids, expected)
        self._add_stat("fields_filled", dept_ids, filled)

    def _rejects(
        self, chunk: Chunk, v: Validated, failed: np.ndarray, dept_ids: np.ndarray, mapping: Mapping[str, str]
    ) -> None:
        keys = self.resolver.keys
        personal = [h for h, name in mapping.items() if self.source.item.field(name).type == "id_number"]
        rows: list[tuple[Any, ...]] = []
        batch_id = self.batch.id
        idx = np.flatnonzero(failed)
        if len(idx):
            raw_rows = chunk.table.take(pa.array(idx)).to_pylist()
            for i, raw in zip(idx, raw_rows, strict=True):
                masked = {h: (mask_ric(str(val)) if h in personal and val else val) for h, val in raw.items()}
                dept = None if dept_ids[i] < 0 else int(dept_ids[i])
                rows.append(
                    (
                        batch_id,
                        dept,
                        chunk.line_nos[i] if i < len(chunk.line_nos) else None,
                        keys.encrypt(json.dumps(raw, ensure_ascii=False)),
                        json.dumps(masked, ensure_ascii=False),
                        json.dumps(v.failures.rows[int(i)], ensure_ascii=False),
                    )
                )
            self._count("rejected", dept_ids, idx)
        fallback = self.batch.department_id
        for bad in chunk.malformed:
            err = [{"code": "row.columns", "field": "", "message": f"列数不符：{bad.reason}"}]
            raw = {"_text": bad.text}
            rows.append(
                (
                    self.batch.id,
                    fallback,
                    bad.line_no,
                    keys.encrypt(json.dumps(raw, ensure_ascii=False)),
                    json.dumps({"_text": "（列数不符的原始行，内容已加密保存）"}, ensure_ascii=False),
                    json.dumps(err, ensure_ascii=False),
                )
            )
            self.totals["rejected"] += 1
            self.totals["rows"] += 1
            st = self.stats.setdefault(fallback, dict.fromkeys(STAT_KEYS, 0))
            st["rejected"] += 1
            st["rows"] += 1
        bulk_insert(self.session.connection(), "ingest_row_reject", REJECT_COLUMNS, rows)

    def _records(self, p: Prepared, rows: np.ndarray, sids: pa.Array, dept_ids: np.ndarray) -> None:
        """Write the linked rows as credit records: new, new versions; duplicates are counted only."""
        docs = p.v.text.get(self.source.item.roles["document_no"], pa.nulls(p.v.n, pa.string()))
        key_text = pc.take(
            record_keys(self.source.item.id, pc.fill_null(p.v.department, ""), docs, sids), rows
        )
        keys = digest(key_text.to_pylist())
        del key_text
        hashes = [p.hashes[i] for i in rows.tolist()]
        # Idempotence through the database: earlier chunks of this batch are already inserted.
        existing = records_service.latest_versions(self.session, keys)  # type: ignore[arg-type]
        versions: list[int]
        supersedes: list[int | None]
        if not existing and len(set(keys)) == len(keys):  # the common case: all new, no repeats in the chunk
            self._count("accepted", dept_ids, rows)
            kept, versions, supersedes = rows, [1] * len(keys), [None] * len(keys)
        else:
            kept_j, versions, supersedes = self._classify(keys, hashes, existing, rows, dept_ids)  # type: ignore[arg-type]
            keys, hashes = [keys[j] for j in kept_j], [hashes[j] for j in kept_j]
            kept = rows[np.asarray(kept_j, dtype=np.int64)]
        if len(kept):
            written = self._versions(p, kept, sids, docs, dept_ids, keys, hashes, versions, supersedes)  # type: ignore[arg-type]
            records_service.add_versions(self.session, written, received_at=self.now)

    def _versions(
        self,
        p: Prepared,
        kept: np.ndarray,
        sids: pa.Array,
        docs: pa.Array,
        dept_ids: np.ndarray,
        keys: list[str],
        hashes: list[str],
        versions: list[int],
        supersedes: list[int | None],
    ) -> list[RecordVersionIn]:
        """Return the typed record versions of the kept rows (columns taken at once from Arrow)."""
        item, v = self.source.item, p.v
        sel = pa.array(kept)

        def col(arr: pa.Array | None) -> list[Any] | repeat[None]:
            return repeat(None) if arr is None else pc.take(arr, sel).to_pylist()

        def dates(role: Literal["decision_on", "valid_from", "valid_to"]) -> list[Any] | repeat[None]:
            return col(v.dates.get(item.roles.get(role, "")))

        return list(
            map(
                RecordVersionIn,
                keys,
                repeat(item.id),
                repeat(item.version),
                col(sids),
                dept_ids[kept].tolist(),
                col(docs),
                dates("decision_on"),
                dates("valid_from"),
                dates("valid_to"),
                col(v.severity),
                repeat(item.polarity),
                [p.texts[i] for i in kept.tolist()],
                hashes,
                versions,
                supersedes,
                repeat(self.batch.id),
                repeat(self.policy.hash),
            )
        )

    def _classify(
        self,
        keys: list[str],
        hashes: list[str],
        existing: Mapping[str, tuple[int, int, str]],
        rows: np.ndarray,
        dept_ids: np.ndarray,
    ) -> tuple[list[int], list[int], list[int | None]]:
        """Sort rows into new / new version / duplicate against the stored and earlier rows.

        A new version of a row earlier in this chunk supersedes ``None``: the records writer finds its id.
        """
        local: dict[str, tuple[int | None, int, str]] = {}
        kept: list[int] = []
        versions: list[int] = []
        supersedes: list[int | None] = []
        counted: dict[str, list[int]] = {"accepted": [], "updated": [], "duplicate": []}
        for j, (key, h) in enumerate(zip(keys, hashes, strict=True)):
            prev = local.get(key) or existing.get(key)
            if prev is not None and prev[2] == h:
                counted["duplicate"].append(int(rows[j]))
                continue
            versions.append(1 if prev is None else prev[1] + 1)
            supersedes.append(None if prev is None else prev[0])
            counted["accepted" if prev is None else "updated"].append(int(rows[j]))
            local[key] = (None, versions[-1], h)
            kept.append(j)
        for bucket, picked in counted.items():
            self._count(bucket, dept_ids, picked)
        return kept, versions, supersedes
