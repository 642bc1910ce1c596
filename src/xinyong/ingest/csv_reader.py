"""The CSV adapter: UTF-8 with or without BOM or GB18030 (a superset of GBK), read by Arrow in small blocks.

A line with the wrong number of columns is one malformed row (rejected, never a failed file); blank lines
are no rows; every row keeps its physical line number.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv

from xinyong.errors import Invalid
from xinyong.ingest.chunk import SNIFF_BYTES, Chunk, Intake, Malformed, detect_encoding, unique_headers

CSV_BLOCK_BYTES = 2 << 20


def open_csv(path: Path, chunk_rows: int) -> Intake:
    """Open a CSV file: its encoding, headers and a lazy iterator of chunks of ``chunk_rows`` rows."""
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
