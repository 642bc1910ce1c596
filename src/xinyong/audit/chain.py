"""Pure hash-chain arithmetic for the audit log (no database)."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from typing import Any

import orjson

GENESIS = "0" * 64
_INT64 = 2**63


def _plain(value: Any) -> bool:
    """Tell whether orjson writes ``value`` exactly as the canonical ``json.dumps`` below does.

    True for exact str, bool, None, ints within 64 bits, and dicts with str keys and lists or tuples of
    those. Floats (other repr), subclasses such as enums, and other types fall back to ``json.dumps``;
    a lone surrogate makes orjson refuse, and falls back too (``tests/audit/test_chain.py`` compares the
    two on generated values).
    """
    stack = [value]
    while stack:
        v = stack.pop()
        t = type(v)
        if t is str or t is bool or v is None:
            continue
        if t is int:
            if not -_INT64 <= v < _INT64:
                return False
        elif t is dict:
            for k, x in v.items():
                if type(k) is not str:
                    return False
                stack.append(x)
        elif t is list or t is tuple:
            stack.extend(v)
        else:
            return False
    return True


def canonical(obj: dict[str, Any]) -> bytes:
    """Return the canonical UTF-8 JSON of ``obj``: sorted keys, no spaces, non-ASCII as is."""
    if _plain(obj):
        try:
            return orjson.dumps(obj, option=orjson.OPT_SORT_KEYS)
        except orjson.JSONEncodeError:  # a lone surrogate: json.dumps below decides
            pass
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
    key: bytes | None = None,
    key_id: str | None = None,
) -> str:
    """Return the HMAC-SHA256 (with ``key``) of an entry's canonical form chained to ``prev_hash``.

    Without a key it is the plain SHA-256 of the entries written before the chain was keyed (epoch of
    ``key_id`` None): anyone could recompute those, which is why the keyed epoch begins with a marker
    entry and checkpoints signed outside the database pin the head (see ``audit/anchors.py``).
    """
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
    if key_id is not None:
        form["key"] = key_id
    if key is None:
        return hashlib.sha256(canonical(form)).hexdigest()
    return hmac.new(key, canonical(form), hashlib.sha256).hexdigest()
