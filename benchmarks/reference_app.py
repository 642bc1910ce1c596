"""The reference endpoints the check's targets are stated against, served by ``benchmarks/check.py``.

The issue states its targets next to two references on the same machine: a constant FastAPI endpoint
and a bare indexed SQLite lookup endpoint. This module is that pair, and nothing more: a plain FastAPI
application with no middleware, ``GET /const`` answering a constant and ``GET /lookup/{code}`` reading
one subject by its USCC through the ``uscc`` index on a held ``sqlite3`` connection (no session, no
authentication, no logging). Served by uvicorn like the platform: ``XY_BENCH_DB=path uvicorn
--app-dir benchmarks reference_app:app``.
"""

from __future__ import annotations

import os
import sqlite3
from typing import Any

from fastapi import FastAPI, HTTPException

app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
_conn: sqlite3.Connection | None = None


def _db() -> sqlite3.Connection:
    global _conn
    if _conn is None:
        _conn = sqlite3.connect(os.environ["XY_BENCH_DB"], check_same_thread=False)
    return _conn


@app.get("/const")
async def const() -> dict[str, Any]:
    """Answer a constant."""
    return {"status": "ok"}


@app.get("/lookup/{code}")
async def lookup(code: str) -> dict[str, Any]:
    """Answer one subject read by its USCC (indexed)."""
    row = _db().execute("SELECT id, name, kind, region_code FROM subject WHERE uscc = ?", (code,)).fetchone()
    if row is None:
        raise HTTPException(status_code=404)
    return {"id": row[0], "name": row[1], "kind": row[2], "region_code": row[3]}
