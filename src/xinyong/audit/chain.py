"""Pure hash-chain arithmetic for the audit log (no database)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

GENESIS = "0" * 64


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
    canonical = json.dumps(
        {
            "seq": seq,
            "at": occurred_at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
            "actor": actor,
            "action": action,
            "type": object_type,
            "id": object_id,
            "detail": detail,
            "prev": prev_hash,
        },
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
        default=str,
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
