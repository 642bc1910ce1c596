"""The USCC index kept between the files of a load (``ingest.uscc_cache``): reused, and reloaded when the
register changes mid-load (a subject added, or a subject's USCC corrected)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.factories import ingest as fx
from tests.factories.subjects import enterprise, next_uscc
from xinyong.ingest.service import BatchResult, IngestRequest, ingest_file
from xinyong.ingest.uscc_cache import UsccIndexCache
from xinyong.records.models import CreditRecord
from xinyong.runtime import Runtime

TODAY = dt.date(2026, 10, 31)


def run(runtime: Runtime, session: Session, path: Path, cache: UsccIndexCache) -> BatchResult:
    request = IngestRequest(path=path, source_id="xzcf", actor="test", today=TODAY, issue_notices=False)
    return ingest_file(session, request, policy=runtime.policy, keys=runtime.keys, uscc_index=cache)


def subject_of(session: Session, batch_id: int) -> set[int]:
    return set(session.scalars(select(CreditRecord.subject_id).where(CreditRecord.batch_id == batch_id)))


@pytest.fixture
def setup(runtime: Runtime, session: Session) -> Session:
    fx.sync_departments(session, runtime.policy)
    return session


def test_unchanged_register_is_read_once(runtime: Runtime, setup: Session, tmp_path: Path) -> None:
    a = enterprise(setup, runtime.keys, "台州市甲乙阀门有限公司")
    cache = UsccIndexCache()
    for n in (1, 2, 3):
        rows = [fx.penalty(a.name, a.uscc or "", f"台市监罚〔2026〕{n}号")]
        result = run(runtime, setup, fx.write_csv(tmp_path / f"{n}.csv", rows), cache)
        assert (result.accepted, result.subjects_created) == (1, 0)
        assert subject_of(setup, result.batch_id) == {a.id}
    assert cache.loads == 1


def test_subject_registered_mid_load_is_found(runtime: Runtime, setup: Session, tmp_path: Path) -> None:
    a = enterprise(setup, runtime.keys, "台州市丙丁塑业有限公司")
    cache = UsccIndexCache()
    first = [fx.penalty(a.name, a.uscc or "", "台市监罚〔2026〕11号")]
    run(runtime, setup, fx.write_csv(tmp_path / "a.csv", first), cache)
    b = enterprise(setup, runtime.keys, "台州市戊己机电有限公司")  # the register changes between two files
    second = [fx.penalty(b.name, b.uscc or "", "台市监罚〔2026〕12号")]
    result = run(runtime, setup, fx.write_csv(tmp_path / "b.csv", second), cache)
    assert (result.accepted, result.subjects_created) == (1, 0), "a stale index would create a second subject"
    assert subject_of(setup, result.batch_id) == {b.id}
    assert cache.loads == 2


def test_corrected_uscc_mid_load_is_found(runtime: Runtime, setup: Session, tmp_path: Path) -> None:
    a = enterprise(setup, runtime.keys, "台州市庚辛电器有限公司")
    cache = UsccIndexCache()
    first = [fx.penalty(a.name, a.uscc or "", "台市监罚〔2026〕21号")]
    run(runtime, setup, fx.write_csv(tmp_path / "a.csv", first), cache)
    a.uscc = next_uscc()  # the register corrects the code of a known subject (an update, not an insert)
    setup.flush()
    second = [fx.penalty(a.name, a.uscc, "台市监罚〔2026〕22号")]
    result = run(runtime, setup, fx.write_csv(tmp_path / "b.csv", second), cache)
    assert (result.accepted, result.subjects_created) == (1, 0)
    assert subject_of(setup, result.batch_id) == {a.id}
    assert cache.loads == 2
