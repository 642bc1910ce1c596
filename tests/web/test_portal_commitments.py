"""Portal: published credit commitments."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.web.conftest import HTML
from tests.web.seed import Seeded
from xinyong.runtime import Runtime

pytest.importorskip("xinyong.commitments.service", reason="信用承诺（issue 6）尚未合并")

from xinyong.commitments import service as commitments_service


def test_public_commitments_page(
    client: TestClient, seeded: Seeded, session: Session, runtime: Runtime
) -> None:
    for kind, matter in (("主动型", "守法经营公开承诺"), ("审批替代型", "食品经营许可告知承诺")):
        commitments_service.register(
            session,
            runtime.policy,
            runtime.keys,
            commitments_service.CommitmentInput(
                subject_code=seeded.firm.uscc or "",
                type=kind,
                department_code="TZ-SCJG",
                matter=matter,
                content="严格遵守法律法规，诚信经营",
                committed_on=dt.date(2026, 6, 1),
            ),
            actor="test",
        )
    resp = client.get("/commitments", headers=HTML)
    assert resp.status_code == 200
    assert "守法经营公开承诺" in resp.text
    assert "食品经营许可告知承诺" not in resp.text  # 告知承诺 types are not published
