"""Build the stored payload of each row as JSON text, column-wise, and the content and record hashes.

Only catalog fields enter the payload (catalog scope); personal ID numbers enter masked only. The
content hash covers the payload; the record key is a stable hash of catalog item, source department,
decision document number and subject.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import pyarrow as pa
import pyarrow.compute as pc

from xinyong.ingest.validate import Validated
from xinyong.policy.schemas import CatalogItem


def json_string(col: pa.Array, *, escape: bool = True, prefix: str = "") -> pa.Array:
    """Return each value as a JSON string literal after ``prefix`` (null stays null).

    Validated codes, dates and enumeration labels need no escaping; free text is escaped only when a
    quote, a backslash or a control character occurs in the column.
    """
    if escape and pc.any(pc.match_substring_regex(col, r'["\\\x00-\x1f]')).as_py():
        text = pc.replace_substring(col, "\\", "\\\\")
        text = pc.replace_substring(text, '"', '\\"')
        text = pc.replace_substring(text, "\n", "\\n")
        text = pc.replace_substring(text, "\r", "\\r")
        text = pc.replace_substring(text, "\t", "\\t")
        col = pc.replace_substring_regex(text, r"[\x00-\x1f]", "")
    return pc.binary_join_element_wise(prefix + '"', col, '"', "")


def payload_json(item: CatalogItem, v: Validated) -> pa.Array:
    """Return the payload JSON text of every row (fields without a value are left out)."""
    pieces: list[pa.Array] = []
    for f in item.fields:
        key = f'"{f.name}":'
        value: pa.Array | None
        if f.name in v.dates:
            value = json_string(pc.cast(v.dates[f.name], pa.string()), escape=False, prefix=key)
        elif f.name in v.amounts:
            value = pc.binary_join_element_wise(key, pc.cast(v.amounts[f.name], pa.string()), "")
        elif f.name in v.enums:
            col = v.enums[f.name]
            if f.type == "multi_enum":
                value = pc.binary_join_element_wise(key, col, "")
            else:
                value = json_string(col, escape=False, prefix=key)
        elif f.name in v.codes:
            value = json_string(v.codes[f.name], escape=False, prefix=key)
        elif f.name in v.person_masked:
            value = json_string(v.person_masked[f.name], escape=False, prefix=key)
        elif f.name in v.text:
            value = json_string(v.text[f.name], prefix=key)
        else:
            value = None
        if value is not None:
            pieces.append(value)
    if not pieces:
        return pa.array(["{}"] * v.n, pa.string())
    body = pc.binary_join_element_wise(*pieces, ",", null_handling="skip")
    return pc.binary_join_element_wise("{", body, "}", "")


def digest(values: Sequence[str | None]) -> list[str | None]:
    """Return the 128-bit BLAKE2b hex digest of each text (``None`` stays ``None``)."""
    b2 = hashlib.blake2b
    return [None if s is None else b2(s.encode("utf-8"), digest_size=16).hexdigest() for s in values]


def record_keys(item_id: str, department: pa.Array, document_no: pa.Array, subject_ids: pa.Array) -> pa.Array:
    """Return the key text of each row (hashed by the caller): item, department, document number, subject."""
    doc = pc.utf8_upper(pc.utf8_normalize(pc.fill_null(document_no, ""), "NFKC"))
    doc = pc.replace_substring_regex(doc, r"\s", "")
    subject = pc.cast(subject_ids, pa.string())
    return pc.binary_join_element_wise(item_id, department, doc, subject, "\x1f")
