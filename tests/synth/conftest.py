"""Fixtures: a clean and a messy small synthetic Taizhou, generated once per session."""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from xinyong.synth.generate import generate

END = dt.date(2026, 10, 31)


@pytest.fixture(scope="session")
def clean(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Generate the small scale without defects (seed 1)."""
    return generate(tmp_path_factory.mktemp("clean"), scale="small", seed=1, mess=0.0, end=END)


@pytest.fixture(scope="session")
def messy(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Generate the small scale with 8 % defective rows (seed 7)."""
    return generate(tmp_path_factory.mktemp("messy"), scale="small", seed=7, mess=0.08, end=END)


def manifest(summary: dict[str, Any]) -> dict[str, Any]:
    """Read the manifest of a generated directory."""
    data: dict[str, Any] = json.loads(Path(summary["manifest"]).read_text("utf-8"))
    return data


def read_feed(root: Path, entry: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
    """Return the header and the data rows of a feed file as written (XLSX dates as datetimes)."""
    return _read(root / entry["path"], entry["format"], entry["encoding"])


@functools.lru_cache(maxsize=4096)
def _read(path: Path, fmt: str, encoding: str | None) -> tuple[list[str], list[list[Any]]]:
    if fmt == "xlsx":
        wb = openpyxl.load_workbook(path, read_only=True)
        rows = [list(r) for r in wb.active.iter_rows(values_only=True)]
        wb.close()
        header = [str(h) for h in rows[0]]
        width = len(header)
        # Openpyxl pads rows to the widest one or not at all: keep the header's width plus any
        # filled extra cell (a row with too many columns).
        body = [
            r[: width + 1] if len(r) > width and r[width] is not None else (r + [None] * width)[:width]
            for r in rows[1:]
        ]
        return header, body
    text = path.read_bytes().decode(encoding or "utf-8")
    rows_csv = list(csv.reader(io.StringIO(text)))
    return rows_csv[0], rows_csv[1:]


def feed_dicts(root: Path, entry: dict[str, Any], names: list[str]) -> Iterator[tuple[dict[str, Any], int]]:
    """Yield each row as {field name: value} (by position) with its cell count."""
    _header, rows = read_feed(root, entry)
    for row in rows:
        yield dict(zip(names, row, strict=False)), len(row)
