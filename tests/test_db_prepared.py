"""Prepared statements on the driver give what SQLAlchemy's Core execution gives (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
from typing import cast

import pytest
from sqlalchemy import Connection, Table, bindparam, insert, select

from xinyong.db_prepared import Prepared, PreparedInsert
from xinyong.sanctions.models import CheckLog

_T = cast(Table, CheckLog.__table__)
AT = dt.datetime(2026, 11, 2, 8, 30, 15, 123456, tzinfo=dt.UTC)


def _row(check_id: str) -> dict[str, object]:
    return {
        "check_id": check_id,
        "actor": "system:测试",
        "role": "system",
        "department_id": None,
        "scenario": "government_procurement",
        "checked_on": dt.date(2026, 11, 2),
        "subject_count": 2,
        "hit_count": 0,
        "reward_count": 1,
        "subjects": ["91331002MA2AAAAAA0", "台州市某某有限公司"],
        "explain": True,
        "result_hash": "0" * 64,
        "policy_hash": "1" * 64,
        "created_at": AT,
    }


def test_prepared_insert_stores_what_core_stores(connection: Connection) -> None:
    columns: tuple[str, ...] = (
        "subjects",
        "check_id",
        "created_at",
        "checked_on",
        "explain",
        "actor",
        "role",
        "department_id",
    )
    columns += ("scenario", "subject_count", "hit_count", "reward_count", "result_hash", "policy_hash")
    core, fast = _row("a" * 32), _row("b" * 32)
    connection.execute(insert(_T), [core])
    PreparedInsert(_T, columns).many(connection, [tuple(fast[c] for c in columns)])
    PreparedInsert(_T, columns).many(connection, [])  # nothing to write is no statement
    got = {r.check_id: r for r in connection.execute(select(_T)).all()}
    a, b = got["a" * 32]._asdict(), got["b" * 32]._asdict()
    for k in ("id", "check_id"):
        a.pop(k), b.pop(k)
    assert a == b
    assert b["created_at"] == AT
    assert b["created_at"].tzinfo is not None
    assert b["subjects"] == ["91331002MA2AAAAAA0", "台州市某某有限公司"]
    read = Prepared(select(_T.c.created_at, _T.c.subjects).where(_T.c.check_id == bindparam("id")))
    assert read.all(connection, {"id": "b" * 32}) == [(AT, fast["subjects"])]


def test_prepared_insert_refuses_a_row_of_the_wrong_width(connection: Connection) -> None:
    with pytest.raises(ValueError):
        PreparedInsert(_T, ("check_id", "actor")).many(connection, [("x",)])
