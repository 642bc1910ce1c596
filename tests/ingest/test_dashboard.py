"""The intake dashboard counts by the business date it is given and by the windows in policy."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session

from tests.conftest import POLICY_DIR
from tests.factories import ingest as fx
from tests.factories.subjects import enterprise
from xinyong.errors import PolicyError
from xinyong.ingest.dashboard import intake
from xinyong.ingest.dashboard_rules import dashboard_rules
from xinyong.ingest.service import IngestRequest, ingest_file
from xinyong.policy.loader import Policy, load_policy
from xinyong.records.models import CreditRecord
from xinyong.runtime import Runtime

TODAY = dt.date(2026, 10, 31)
RECEIVED = {
    "温市监罚〔2026〕1号": dt.datetime(2026, 10, 20, 3, tzinfo=dt.UTC),
    "温市监罚〔2026〕2号": dt.datetime(2026, 8, 15, 3, tzinfo=dt.UTC),
}


def _policy(tmp_path: Path, **values: int) -> Policy:
    root = tmp_path / "policy"
    shutil.copytree(POLICY_DIR, root)
    path = root / "ingest" / "dashboard.yaml"
    text = path.read_text("utf-8")
    for key, value in values.items():
        text = text.replace(
            f"{key}: {getattr(dashboard_rules(load_policy(POLICY_DIR)), key)}", f"{key}: {value}"
        )
    path.write_text(text, "utf-8")
    return load_policy(root)


@pytest.fixture
def received(runtime: Runtime, session: Session, tmp_path: Path) -> Session:
    """Two penalties, first received on 20 October and 15 August 2026."""
    fx.sync_departments(session, runtime.policy)
    s = enterprise(session, runtime.keys, "台州市宏达阀门有限公司")
    rows = [fx.penalty("台州市宏达阀门有限公司", s.uscc or "", doc) for doc in RECEIVED]
    ingest_file(
        session,
        IngestRequest(
            path=fx.write_csv(tmp_path / "a.csv", rows), source_id="xzcf", actor="test", today=TODAY
        ),
        policy=runtime.policy,
        keys=runtime.keys,
    )
    for doc, at in RECEIVED.items():
        session.execute(
            update(CreditRecord).where(CreditRecord.document_no == doc).values(first_received_at=at)
        )
    session.flush()
    return session


def test_recent_and_monthly_windows_come_from_policy(
    runtime: Runtime, received: Session, tmp_path: Path
) -> None:
    shipped = intake(received, runtime.policy, today=TODAY)
    assert (shipped.recent, shipped.recent_days) == (1, 30)
    assert shipped.by_month == [("2026-08", 1), ("2026-10", 1)]

    wider = intake(received, _policy(tmp_path, recent_days=90, monthly_months=1), today=TODAY)
    assert (wider.recent, wider.recent_days) == (2, 90)
    assert wider.by_month == [("2026-10", 1)]


def test_the_business_date_fixes_the_answer(runtime: Runtime, received: Session) -> None:
    first = intake(received, runtime.policy, today=TODAY)
    assert intake(received, runtime.policy, today=TODAY) == first
    later = intake(received, runtime.policy, today=dt.date(2026, 12, 31))
    assert (later.recent, later.by_month) == (0, first.by_month)


def test_a_window_out_of_range_is_refused(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match="recent_days"):
        dashboard_rules(_policy(tmp_path, recent_days=0))
