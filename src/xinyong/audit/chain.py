"""Pure hash-chain arithmetic for the audit log (no database)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

import orjson

GENESIS = "0" * 64
_INT64 = 2**63


def _plain(value: Any) -> bool:
    """Tell whether orjson writes ``value`` exactly as the canonical ``json.dumps`` below does.

    True for str (no lone surrogates), bool, None, ints within 64 bits, and dicts with str keys and lists
    of those; floats, other types and anything else fall back to ``json.dumps``
    (``tests/audit/test_chain.py`` compares the two on generated values).
    """
    if value is None or isinstance(value, bool):
        return True
    if isinstance(value, str):
        return value.isascii() or not any("\ud800" <= ch <= "\udfff" for ch in value)
    if isinstance(value, int):
        return -_INT64 <= value < _INT64
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain(k) and _plain(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_plain(v) for v in value)
    return False


def canonical(obj: dict[str, Any]) -> bytes:
    """Return the canonical UTF-8 JSON of ``obj``: sorted keys, no spaces, non-ASCII as is."""
    if _plain(obj):
        return orjson.dumps(obj, option=orjson.OPT_SORT_KEYS)
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str).encode()


def entry_hash(
    *,
    seq: int,
    occurred_at: dt.datetime,
    actor: str,
    action: str,
    object_type: str,
    object_id: str | None,
    detail: dict[str, Any],
    prev_hash: str,
) -> str:
    """Return the SHA-256 of an entry's canonical form chained to ``prev_hash``."""
    form = {
        "seq": seq,
        "at": occurred_at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "actor": actor,
        "action": action,
        "type": object_type,
        "id": object_id,
        "detail": detail,
        "prev": prev_hash,
    }
    return hashlib.sha256(canonical(form)).hexdigest()
