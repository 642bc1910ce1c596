"""Intake adapters: CSV (UTF-8 with or without BOM, GBK/GB18030 detected), XLSX and JSON.

Every adapter yields chunks as Arrow tables of text columns named by the file's own headers, plus the
line number of each row and the malformed rows it met (a row with the wrong number of columns is one
rejected row, never a failed file). Memory stays bounded by the chunk size.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import json
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv

from xinyong.errors import Invalid

SNIFF_BYTES = 1 << 20


@dataclass
class Malformed:
    """A row that could not be split into the header's columns."""

    line_no: int | None
    text: str
    reason: str


@dataclass
class Chunk:
    """A slice of a file: text columns by header, their line numbers, and malformed rows met."""

    table: pa.Table
    line_nos: list[int]
    malformed: list[Malformed] = field(default_factory=list)
    bytes_read: int = 0


@dataclass
class Intake:
    """An opened file: its format, encoding, headers and a chunk iterator."""

    file_format: str
    encoding: str | None
    headers: list[str]
    chunks: Iterator[Chunk]


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


def detect_encoding(sample: bytes) -> str:
    """Return ``utf-8-sig``, ``utf-8`` or ``gb18030`` (a superset of GBK) for a CSV sample."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(sample) - 4:  # not just a character cut at the end of the sample
            return "gb18030"
    return "utf-8"


def unique_headers(raw: list[str]) -> list[str]:
    """Return headers made unique (a repeated header gets ``#2``) and stripped."""
    seen: dict[str, int] = {}
    out = []
    for h in raw:
        name = (h or "").replace("\ufeff", "").strip() or "(空表头)"
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name}#{seen[name]}")
    return out


CSV_BLOCK_BYTES = 2 << 20


def _open_csv(path: Path, chunk_rows: int) -> Intake:
    encoding, headers = _csv_head(path)
    lines = _CsvLines()
    size = path.stat().st_size

    def chunks() -> Iterator[Chunk]:
        # The reader is opened when the chunks are first asked for.
        batches: list[pa.RecordBatch] = []
        lines_of: list[int] = []
        found: list[Malformed] = []
        for batch in _csv_reader(path, headers, encoding, lines.on_invalid):
            numbers = lines.number(batch.num_rows)
            found += lines.take_malformed()
            keep = _not_blank(batch)
            if keep is not None:
                batch, numbers = batch.filter(keep), numbers[np.asarray(keep)]
            batches.append(batch)
            lines_of += numbers.tolist()
            if len(lines_of) >= chunk_rows:
                yield Chunk(pa.Table.from_batches(batches), lines_of, found, bytes_read=size)
                batches, lines_of, found = [], [], []
        if batches:
            yield Chunk(pa.Table.from_batches(batches), lines_of, found, bytes_read=size)
        if lines.malformed:
            empty = pa.table({h: pa.array([], pa.string()) for h in headers})
            yield Chunk(empty, [], lines.take_malformed(), size)

    return Intake("csv", encoding.replace("-sig", "-bom"), headers, chunks())


def _csv_head(path: Path) -> tuple[str, list[str]]:
    """Return the encoding and the header names of a CSV file (refusing binary and header-less files)."""
    with path.open("rb") as fh:
        sample = fh.read(SNIFF_BYTES)
    if b"\x00" in sample:  # UTF-16 or a binary file: PostgreSQL cannot even store its header line
        raise Invalid("文件含有 NUL 字符，不是 UTF-8 或 GB18030 编码的 CSV 文本文件", code="ingest.encoding")
    encoding = detect_encoding(sample)
    text = sample.decode("gb18030" if encoding == "gb18030" else "utf-8-sig", errors="replace")
    first = next(iter(text.splitlines()), "")
    headers = unique_headers(next(csv.reader([first]), []))
    if not any(headers):
        raise Invalid("文件没有表头行", code="ingest.no_header")
    return encoding, headers


def _csv_reader(
    path: Path, headers: list[str], encoding: str, on_invalid: Callable[[Any], str]
) -> pcsv.CSVStreamingReader:
    """Open Arrow's streaming reader: every column text, blank lines reported, small blocks.

    Small blocks, gathered into chunks of ``chunk_rows``: Arrow's streaming reader reads ~32 blocks
    ahead, so the block size bounds what it holds (10 MB blocks held 330 MB of a 1M-row file).
    """
    return pcsv.open_csv(
        path,
        read_options=pcsv.ReadOptions(
            column_names=headers,
            skip_rows=1,
            encoding="utf8" if encoding.startswith("utf-8") else "gb18030",
            use_threads=False,
            block_size=CSV_BLOCK_BYTES,
        ),
        # Empty lines reach ``on_invalid`` (instead of vanishing unseen) so line numbers stay right.
        parse_options=pcsv.ParseOptions(
            invalid_row_handler=on_invalid, newlines_in_values=True, ignore_empty_lines=False
        ),
        convert_options=pcsv.ConvertOptions(
            column_types={h: pa.string() for h in headers}, strings_can_be_null=False
        ),
    )


class _CsvLines:
    """Physical line numbers of the rows read: data starts on line 2; each line skipped shifts the rest."""

    def __init__(self) -> None:
        self.line = 2
        self.malformed: list[Malformed] = []
        self.skipped: list[int] = []  # physical lines not read as rows: malformed ones and blank ones

    def on_invalid(self, row: Any) -> str:
        """Note a line that is no row: a blank line is skipped silently, a malformed one is kept."""
        if row.number is not None:
            self.skipped.append(row.number)
        if not row.text.strip():
            return "skip"  # a blank or whitespace-only line is no row (not a reject, not counted)
        self.malformed.append(
            Malformed(
                row.number, row.text, f"本行有 {row.actual_columns} 列，表头有 {row.expected_columns} 列"
            )
        )
        return "skip"

    def number(self, n: int) -> np.ndarray:
        """Return the line numbers of the next ``n`` rows read."""
        lines = np.arange(self.line, self.line + n, dtype=np.int64)
        for bad in sorted(no for no in self.skipped if no >= self.line):
            lines[lines >= bad] += 1
        self.line = int(lines[-1]) + 1 if n else self.line + len(self.skipped)
        self.skipped.clear()
        return lines

    def take_malformed(self) -> list[Malformed]:
        """Return the malformed lines met so far and forget them."""
        out, self.malformed = self.malformed, []
        return out


def _not_blank(batch: pa.RecordBatch) -> pa.BooleanArray | None:
    """Return the mask of rows with any non-blank cell, or ``None`` when no row is blank."""
    if batch.num_rows == 0 or batch.num_columns == 0:
        return None
    blank: Any = None
    for col in batch.columns:
        empty = pc.equal(pc.utf8_trim_whitespace(col), "")
        blank = empty if blank is None else pc.and_(blank, empty)
    if not pc.any(blank).as_py():
        return None
    return pc.invert(blank)


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
    opener = {"xlsx": _open_xlsx, "json": _open_json}.get(fmt, _open_csv)
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
