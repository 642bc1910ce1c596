"""Vectorised field parsers over Arrow text columns (pure): text, dates, amounts, enumerations, codes.

Each parser returns the parsed column and a list of failures ``(row indexes, code, message)``; only
the failing rows are touched in Python, and per-value work runs once per distinct value.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from xinyong.kit import ids

EXCEL_EPOCH = dt.date(1899, 12, 30)
MULTI_SEPARATORS = re.compile(r"[,，;；、/|\s]+")


@dataclass
class Failures:
    """Errors found in a chunk: row index → list of ``{code, field, message}``."""

    rows: dict[int, list[dict[str, str]]] = field(default_factory=dict)

    def add(
        self, mask: np.ndarray | pa.Array, code: str, fld: str, message: str | Callable[[int], str]
    ) -> None:
        """Record an error for every row where ``mask`` is true."""
        arr = mask.to_numpy(zero_copy_only=False) if isinstance(mask, (pa.Array, pa.ChunkedArray)) else mask
        for i in np.flatnonzero(np.asarray(arr, dtype=bool)):
            msg = message(int(i)) if callable(message) else message
            self.rows.setdefault(int(i), []).append({"code": code, "field": fld, "message": msg})

    def add_one(self, i: int, code: str, fld: str, message: str) -> None:
        """Record one error."""
        self.rows.setdefault(i, []).append({"code": code, "field": fld, "message": message})


def mask_of(arr: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """Return a boolean NumPy mask (nulls are false)."""
    return np.asarray(pc.fill_null(arr, False).to_numpy(zero_copy_only=False), dtype=bool)


def clean_text(col: pa.Array | pa.ChunkedArray) -> pa.Array:
    """Trim whitespace; empty cells become null."""
    trimmed = pc.utf8_trim_whitespace(col)
    return pc.if_else(pc.equal(trimmed, ""), pa.scalar(None, pa.string()), trimmed)


def clean_code(col: pa.Array | pa.ChunkedArray) -> pa.Array:
    """Normalise a code column: NFKC (full-width to half-width), upper case, no spaces or hyphens."""
    text = pc.utf8_upper(pc.utf8_normalize(pc.fill_null(col, ""), "NFKC"))
    text = pc.replace_substring_regex(text, r"[\s\-]", "")
    return pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text)


def map_distinct(
    col: pa.Array | pa.ChunkedArray, fn: Callable[[str], str | None], out_type: pa.DataType = pa.string()
) -> pa.Array:
    """Apply ``fn`` once per distinct value and broadcast the result (nulls stay null)."""
    enc = pc.dictionary_encode(col)
    if isinstance(enc, pa.ChunkedArray):
        enc = enc.combine_chunks()
    values = enc.dictionary.to_pylist()
    mapped = pa.array([fn(v) for v in values], out_type)
    return pc.take(mapped, enc.indices)


def parse_dates(col: pa.Array, formats: list[str], *, excel_serials: bool) -> tuple[pa.Array, np.ndarray]:
    """Parse dates written in any of ``formats`` (and Excel serials); return dates and a bad mask."""
    text = pc.utf8_normalize(pc.fill_null(col, ""), "NFKC")
    text = pc.utf8_trim_whitespace(text)
    result = pa.nulls(len(col), pa.timestamp("s"))
    for fmt in formats:
        missing = pc.is_null(result)
        if not pc.any(missing).as_py():
            break
        parsed = pc.strptime(text, format=fmt, unit="s", error_is_null=True)
        result = pc.if_else(missing, parsed, result)
    dates = pc.cast(result, pa.date32())
    # strptime rolls impossible days over (2026-02-30 → 03-02): keep only dates whose written year,
    # month and day are the parsed ones.
    parts = pc.extract_regex(text, r"^(?P<y>\d{4})\D*(?P<m>\d{1,2})\D*(?P<d>\d{1,2})")
    same = pc.and_(
        pc.and_(
            pc.equal(pc.cast(pc.struct_field(parts, "y"), pa.int64()), pc.year(dates)),
            pc.equal(pc.cast(pc.struct_field(parts, "m"), pa.int64()), pc.month(dates)),
        ),
        pc.equal(pc.cast(pc.struct_field(parts, "d"), pa.int64()), pc.day(dates)),
    )
    dates = pc.if_else(pc.fill_null(same, False), dates, pa.scalar(None, pa.date32()))
    if excel_serials:
        missing = pc.and_(pc.is_null(dates), pc.match_substring_regex(text, r"^\d{4,5}(\.0+)?$"))
        if pc.any(missing).as_py():
            serial = pc.cast(pc.cast(pc.if_else(missing, text, "0"), pa.float64()), pa.int64())
            base = (EXCEL_EPOCH - dt.date(1970, 1, 1)).days
            from_serial = pc.cast(pc.add(serial, base).cast(pa.int32()), pa.date32())
            dates = pc.if_else(missing, from_serial, dates)
    bad = mask_of(pc.and_(pc.is_null(dates), pc.is_valid(col)))
    return dates, bad


def parse_amounts(col: pa.Array) -> tuple[pa.Array, np.ndarray]:
    """Parse decimal amounts (full-width digits, thousands separators); return float64 and a bad mask."""
    text = pc.utf8_normalize(pc.fill_null(col, ""), "NFKC")
    text = pc.replace_substring_regex(pc.utf8_trim_whitespace(text), r"[,\s]", "")
    ok = pc.match_substring_regex(text, r"^-?(\d+(\.\d*)?|\.\d+)$")
    values = pc.cast(pc.if_else(ok, text, pa.scalar(None, pa.string())), pa.float64())
    bad = mask_of(pc.and_(pc.invert(ok), pc.is_valid(col)))
    return values, bad


def enum_lookup(labels: Mapping[str, str]) -> dict[str, str]:
    """Return the enum map keyed also by the NFKC, upper-case, stripped spelling."""
    import unicodedata

    out = dict(labels)
    for spelling, label in labels.items():
        out.setdefault(unicodedata.normalize("NFKC", spelling).strip().upper(), label)
    return out


def parse_enum(
    col: pa.Array, labels: Mapping[str, str], refused: Mapping[str, tuple[str, str]], *, multi: bool
) -> tuple[pa.Array, dict[str, tuple[str, str]]]:
    """Map spellings to canonical labels (multi-valued: a JSON array text).

    Return the mapped column (null where the value is not accepted) and, per refused or unknown raw
    value, the error ``(code, message)``.
    """
    import unicodedata

    problems: dict[str, tuple[str, str]] = {}

    def one(value: str) -> str | None:
        key = unicodedata.normalize("NFKC", value).strip().upper()
        return labels.get(value) or labels.get(key)

    def fn(value: str) -> str | None:
        parts = [p for p in MULTI_SEPARATORS.split(value.strip()) if p] if multi else [value.strip()]
        out: list[str] = []
        for part in parts:
            if part in refused:
                problems[value] = refused[part]
                return None
            label = one(part)
            if label is None:
                problems[value] = ("enum.unknown", f"“{part}”不是允许的取值")
                return None
            if label not in out:
                out.append(label)
        if not out:
            return None
        return json.dumps(out, ensure_ascii=False, separators=(",", ":")) if multi else out[0]

    return map_distinct(col, fn), problems


_USCC_LUT = np.full(256, -1, dtype=np.int64)
for _i, _c in enumerate(ids.USCC_ALPHABET):
    _USCC_LUT[ord(_c)] = _i
_USCC_FIRST_OK = np.zeros(256, dtype=bool)
_USCC_FIRST_OK[[ord(c) for c in ids.USCC_FIRST]] = True
_USCC_W = np.array(ids.USCC_WEIGHTS, dtype=np.int64)


def uscc_valid_mask(values: list[str]) -> np.ndarray:
    """Return which values are valid USCCs, checked column-wise with NumPy (GB 32100 rules).

    A value passes only if ``kit.ids.validate_uscc`` would accept it unchanged; the caller runs the
    exact validator on the others to get each error (or an unusual spelling that still passes).
    """
    out = np.zeros(len(values), dtype=bool)
    idx = [i for i, v in enumerate(values) if len(v) == 18 and v.isascii()]
    if not idx:
        return out
    raw = np.frombuffer("".join(values[i] for i in idx).encode("ascii"), dtype=np.uint8).reshape(-1, 18)
    digits = _USCC_LUT[raw]
    ok = (digits >= 0).all(axis=1) & _USCC_FIRST_OK[raw[:, 0]] & (digits[:, 2:8] < 10).all(axis=1)
    total = (digits[:, :17] * _USCC_W).sum(axis=1)
    ok &= (31 - total % 31) % 31 == digits[:, 17]
    out[np.asarray(idx, dtype=np.int64)] = ok
    return out


def validate_codes(
    col: pa.Array,
    validator: Callable[[str], str],
    known: pa.Array | None = None,
    fast_valid: Callable[[list[str]], np.ndarray] | None = None,
) -> tuple[pa.Array, dict[str, ids.IdentifierError]]:
    """Validate a code column once per distinct value, skipping values already known to be valid.

    ``fast_valid`` (optional) confirms valid values in bulk; only the values it does not confirm go
    through ``validator`` one by one. Return the column with invalid codes nulled and the error per
    invalid raw value.
    """
    errors: dict[str, ids.IdentifierError] = {}
    check = col if known is None else pc.if_else(pc.is_in(col, value_set=known), None, col)
    if pc.all(pc.is_null(check)).as_py():
        return col, errors
    enc = pc.dictionary_encode(check)
    if isinstance(enc, pa.ChunkedArray):
        enc = enc.combine_chunks()
    values: list[str] = enc.dictionary.to_pylist()
    passed = fast_valid(values) if fast_valid is not None else np.zeros(len(values), dtype=bool)
    results: list[str | None] = []
    for value, fast in zip(values, passed.tolist(), strict=True):
        if fast:
            results.append(value)
            continue
        try:
            results.append(validator(value))
        except ids.IdentifierError as exc:
            errors[value] = exc
            results.append(None)
    checked = pc.take(pa.array(results, pa.string()), enc.indices)
    valid = pc.if_else(pc.is_null(check), col, checked)
    return valid, errors
