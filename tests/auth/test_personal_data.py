"""Personal ID numbers are stored only encrypted: no plaintext number anywhere in the SQLite file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from tests.factories import records as fr
from tests.factories import subjects as fs
from tests.fixtures.migrated import migrated_sqlite
from xinyong.db import make_engine, make_sessionmaker, session_scope
from xinyong.kit import ids
from xinyong.policy.loader import Policy
from xinyong.runtime import Runtime
from xinyong.settings import Settings
from xinyong.subjects.service import find_by_code


def test_sqlite_file_holds_no_plaintext_id_numbers(
    tmp_path: Path, settings: Settings, policy: Policy
) -> None:
    url = migrated_sqlite(tmp_path / "pii.sqlite3")
    local = settings.model_copy(update={"database_url": url})
    engine = make_engine(local)
    runtime = Runtime(settings=local, engine=engine, sessions=make_sessionmaker(engine))
    runtime._policy = policy
    numbers = [fs.next_ric(region="331002", birth=dt.date(1970 + i, 3, 9)) for i in range(20)]
    with session_scope(runtime.sessions) as session:
        dept = fs.department(session)
        for i, ric in enumerate(numbers):
            person = fs.person(session, runtime.keys, name=f"测试人{i}", id_card=ric)
            fr.record(
                session,
                policy,
                person,
                dept,
                payload={"CF_XDR_LB": "自然人", "CF_XDR_ZJLX": "身份证", "CF_XDR_ZJHM": ids.mask_ric(ric)},
            )
    with session_scope(runtime.sessions) as session:
        assert find_by_code(session, runtime.keys, numbers[0]) is not None  # found through the blind index
    raw = engine.raw_connection()  # outside any transaction, so the checkpoint can run
    try:
        raw.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        raw.close()
    engine.dispose()
    blob = b"".join(p.read_bytes() for p in tmp_path.glob("pii.sqlite3*"))
    assert (
        b"\xe6\xb5\x8b\xe8\xaf\x95\xe4\xba\xba" in blob
    )  # the names are there, so the scan reads real content
    for ric in numbers:
        assert ric.encode() not in blob, f"plaintext ID {ids.mask_ric(ric)} found in the database file"
        assert ric[:17].encode() not in blob
        assert ric.encode("utf-16-le") not in blob
