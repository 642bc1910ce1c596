"""What every intake adapter yields: chunks of text columns with their line numbers and malformed rows."""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from dataclasses import dataclass, field

import pyarrow as pa

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
