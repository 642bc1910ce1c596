"""Hand a department its rejected rows back, in its own format, with a Chinese error column."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.errors import NotFound
from xinyong.ingest.models import IngestBatch, IngestRowReject
from xinyong.kit.crypto import KeyRing
from xinyong.kit.text import inert_cell

ERROR_COLUMN = "错误说明"  # what a person reads: the Chinese messages only
CODE_COLUMN = "错误代码"  # the stable codes, for the department's system to match
LINE_COLUMN = "原行号"


def reject_rows(session: Session, keys: KeyRing, batch_id: int) -> tuple[IngestBatch, list[dict[str, Any]]]:
    """Return the batch and its rejects as dicts of the original columns plus line and errors."""
    batch = session.get(IngestBatch, batch_id)
    if batch is None:
        raise NotFound(f"批次 {batch_id} 不存在", code="ingest.batch_not_found")
    out: list[dict[str, Any]] = []
    rejects = session.scalars(
        select(IngestRowReject).where(IngestRowReject.batch_id == batch_id).order_by(IngestRowReject.id)
    )
    for rej in rejects:
        raw: dict[str, Any] = json.loads(keys.decrypt(rej.raw_enc))
        if "_text" in raw and len(raw) == 1:
            first = batch.headers[0] if batch.headers else "原始内容"
            raw = {first: raw["_text"]}
        message = "；".join(e["message"] for e in rej.errors)
        codes = "；".join(e["code"] for e in rej.errors)
        out.append({**raw, LINE_COLUMN: rej.line_no, ERROR_COLUMN: message, CODE_COLUMN: codes})
    return batch, out


def export_rejects(session: Session, keys: KeyRing, batch_id: int, out: Path) -> tuple[int, Path]:
    """Write the rejects of a batch to ``out`` (CSV in the file's encoding, or XLSX); return the count.

    The rows are the department's own, but a hostile value in a feed must not run as a formula when an
    officer opens the file: cells are made inert (``kit.text.inert_cell``).
    """
    batch, rows = reject_rows(session, keys, batch_id)
    columns = [*batch.headers, LINE_COLUMN, ERROR_COLUMN, CODE_COLUMN]
    fmt = out.suffix.lower().lstrip(".") or ("xlsx" if batch.file_format == "xlsx" else "csv")
    if fmt == "xlsx":
        from openpyxl import Workbook

        wb = Workbook(write_only=True)
        ws = wb.create_sheet("拒收行")
        ws.append(columns)
        for row in rows:
            ws.append([inert_cell(row.get(c)) for c in columns])
        wb.save(out)
    else:
        encoding = "gb18030" if batch.encoding == "gb18030" else "utf-8-sig"
        with out.open("w", encoding=encoding, newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(columns)
            for row in rows:
                writer.writerow(["" if row.get(c) is None else inert_cell(row.get(c)) for c in columns])
    return len(rows), out
