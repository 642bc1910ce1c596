"""Intake adapters: CSV (in `csv_reader`), XLSX and JSON, chosen by the file's suffix and magic bytes.

Every adapter yields chunks as Arrow tables of text columns named by the file's own headers, plus the
line number of each row and the malformed rows it met (a row with the wrong number of columns is one
rejected row, never a failed file). Memory stays bounded by the chunk size.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa

from xinyong.errors import Invalid
from xinyong.ingest.chunk import SNIFF_BYTES as SNIFF_BYTES
from xinyong.ingest.chunk import Chunk as Chunk
from xinyong.ingest.chunk import Intake as Intake
from xinyong.ingest.chunk import Malformed as Malformed
from xinyong.ingest.chunk import detect_encoding as detect_encoding
from xinyong.ingest.chunk import unique_headers as unique_headers
from xinyong.ingest.csv_reader import open_csv


def file_sha256(path: Path) -> str:
    """Return the SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def detect_format(path: Path) -> str:
    """Return ``csv``, ``xlsx`` or ``json`` from the suffix (and the ZIP magic of XLSX)."""
    suffix = path.suffix.lower()
    with path.open("rb") as fh:
        head = fh.read(4)
    if suffix in (".xlsx", ".xlsm") or head == b"PK\x03\x04":
        return "xlsx"
    if suffix in (".json", ".jsonl", ".ndjson"):
        return "json"
    if suffix in (".csv", ""):
        return "csv"
    raise Invalid(f"不支持的文件类型 {suffix}（支持 CSV、XLSX、JSON）", code="ingest.format")


def _cell_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _rows_to_chunks(
    headers: list[str], rows: Iterator[tuple[int, list[Any]]], chunk_rows: int, size: int
) -> Iterator[Chunk]:
    width = len(headers)
    cols: list[list[str | None]] = [[] for _ in headers]
    lines: list[int] = []
    bad: list[Malformed] = []
    for line_no, values in rows:
        cells = [_cell_text(v) for v in values]
        while cells and (cells[-1] is None or cells[-1] == "") and len(cells) > width:
            cells.pop()
        if all(c is None or not c.strip() for c in cells):
            continue  # an empty or whitespace-only row is no row
        if len(cells) > width:
            bad.append(
                Malformed(
                    line_no, ",".join(c or "" for c in cells), f"本行有 {len(cells)} 列，表头有 {width} 列"
                )
            )
            continue
        cells += [None] * (width - len(cells))
        for col, c in zip(cols, cells, strict=True):
            col.append(c)
        lines.append(line_no)
        if len(lines) >= chunk_rows:
            yield Chunk(pa.table(dict(zip(headers, cols, strict=True))), lines, bad, size)
            cols, lines, bad = [[] for _ in headers], [], []
    yield Chunk(
        pa.table({h: pa.array(c, pa.string()) for h, c in zip(headers, cols, strict=True)}), lines, bad, size
    )


# A zip bomb (issue 16): an XLSX is a zip archive, and one a few KB large can expand to gigabytes. The
# archive's own directory says how large each part would be, so it is refused before anything expands.
XLSX_MAX_EXPANDED = 4 * 1024**3  # bytes, all parts together (a 5-million-row sheet is well below)
XLSX_MAX_RATIO = 1000  # expanded / compressed, per part (real sheets stay under about 100)


def check_not_a_bomb(path: Path) -> None:
    """Refuse an XLSX whose parts would expand beyond the limits (``ingest.xlsx_bomb``)."""
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise Invalid("Excel 文件已损坏或不是 XLSX 格式，无法读取", code="ingest.xlsx") from exc
    total = sum(i.file_size for i in infos)
    ratio = max((i.file_size / max(i.compress_size, 1) for i in infos), default=0.0)
    if total > XLSX_MAX_EXPANDED or ratio > XLSX_MAX_RATIO:
        raise Invalid(
            "Excel 文件解压后异常庞大（疑似压缩炸弹），已拒收；请导出为普通 XLSX 或 CSV 后重新报送",
            code="ingest.xlsx_bomb",
        )


def _open_xlsx(path: Path, chunk_rows: int) -> Intake:
    from openpyxl import load_workbook

    check_not_a_bomb(path)
    wb = load_workbook(path, read_only=True, data_only=True)
    ws = wb.worksheets[0]
    it = ws.iter_rows(values_only=True)
    header_row = next(it, None)
    if not header_row:
        raise Invalid("工作表没有表头行", code="ingest.no_header")
    raw = [str(h) if h is not None else "" for h in header_row]
    while raw and raw[-1] == "":
        raw.pop()
    headers = unique_headers(raw)

    def rows() -> Iterator[tuple[int, list[Any]]]:
        for i, values in enumerate(it, start=2):
            yield i, list(values)
        wb.close()

    return Intake("xlsx", None, headers, _rows_to_chunks(headers, rows(), chunk_rows, path.stat().st_size))


def _open_json(path: Path, chunk_rows: int) -> Intake:
    text = path.read_bytes().decode("utf-8-sig")
    stripped = text.lstrip()
    items: list[Any]
    try:
        if stripped.startswith(("[", "{")) and path.suffix.lower() not in (".jsonl", ".ndjson"):
            doc = json.loads(text)
            items = doc.get("rows", []) if isinstance(doc, dict) else doc
        else:
            items = [json.loads(line) for line in text.splitlines() if line.strip()]
    except json.JSONDecodeError as exc:
        raise Invalid(f"JSON 无法解析：第 {exc.lineno} 行第 {exc.colno} 列", code="ingest.json") from exc
    if not isinstance(items, list):
        raise Invalid("JSON 应为对象数组，或含 rows 数组的对象", code="ingest.json")
    raw_headers: list[str] = []
    for item in items:
        if isinstance(item, dict):
            for k in item:
                if k not in raw_headers:
                    raw_headers.append(str(k))
    headers = unique_headers(raw_headers)
    bad: list[Malformed] = []

    def rows() -> Iterator[tuple[int, list[Any]]]:
        for i, item in enumerate(items, start=1):
            if not isinstance(item, dict):
                bad.append(Malformed(i, json.dumps(item, ensure_ascii=False)[:2000], "不是 JSON 对象"))
                continue
            yield i, [_json_cell(item.get(h)) for h in raw_headers]

    def chunks() -> Iterator[Chunk]:
        for chunk in _rows_to_chunks(headers, rows(), chunk_rows, path.stat().st_size):
            chunk.malformed.extend(bad)
            bad.clear()
            yield chunk

    return Intake("json", "utf-8", headers, chunks())


def _json_cell(value: Any) -> Any:
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return "是" if value else "否"
    return value


def unreadable(exc: BaseException, file_format: str) -> Invalid | None:
    """Return the Chinese error for a file the readers cannot decode (None: not a file error).

    Decoding happens where the file is opened and, lazily, while its chunks are read (in the prepare
    thread); both places ask here, so a bad file always ends as a 422 with a stable code, never a 500.
    """
    if isinstance(exc, UnicodeError):
        return Invalid(
            "文件编码无法识别：既不是 UTF-8 也不是 GB18030（GBK），请以 UTF-8 编码另存后重新报送",
            code="ingest.encoding",
        )
    if file_format == "xlsx" and isinstance(
        exc, (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError)
    ):
        return Invalid("Excel 文件已损坏或不是 XLSX 格式，无法读取", code="ingest.xlsx")
    if isinstance(exc, RecursionError):
        return Invalid("JSON 嵌套层数过深", code="ingest.json")
    if isinstance(exc, (pa.ArrowInvalid, csv.Error)):
        return Invalid(f"CSV 文件无法解析：{str(exc)[:200]}", code="ingest.csv")
    return None


def _guarded(chunks: Iterator[Chunk], file_format: str) -> Iterator[Chunk]:
    try:
        yield from chunks
    except Exception as exc:
        err = unreadable(exc, file_format)
        if err is None:
            raise
        raise err from exc


def open_intake(path: Path, *, chunk_rows: int = 25_000) -> Intake:
    """Open a department file of any supported format; an undecodable file raises ``Invalid``."""
    fmt = detect_format(path)
    opener = {"xlsx": _open_xlsx, "json": _open_json}.get(fmt, open_csv)
    try:
        intake = opener(path, chunk_rows)
    except Invalid:
        raise
    except Exception as exc:
        err = unreadable(exc, fmt)
        if err is None:
            raise
        raise err from exc
    intake.chunks = _guarded(intake.chunks, fmt)
    return intake
