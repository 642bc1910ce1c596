"""Portal: published credit commitments."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.web.conftest import HTML
from tests.web.seed import Seeded
from xinyong.commitments import service as commitments_service
from xinyong.runtime import Runtime


def _register_two(session: Session, runtime: Runtime, seeded: Seeded) -> None:
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


def test_public_commitments_page(
    client: TestClient, seeded: Seeded, session: Session, runtime: Runtime
) -> None:
    _register_two(session, runtime, seeded)
    resp = client.get("/commitments", headers=HTML)
    assert resp.status_code == 200
    assert "守法经营公开承诺" in resp.text
    assert "食品经营许可告知承诺" not in resp.text  # 告知承诺 types are not published


def test_subject_page_shows_its_published_commitments(
    client: TestClient, seeded: Seeded, session: Session, runtime: Runtime
) -> None:
    _register_two(session, runtime, seeded)
    resp = client.get(f"/subjects/{seeded.firm.uscc}", headers=HTML)
    assert resp.status_code == 200
    section = resp.text.split('data-section="信用承诺"', 1)[1].split("</section>", 1)[0]
    assert "守法经营公开承诺" in section
    assert "履约中" in section
    assert "食品经营许可告知承诺" not in resp.text
    other = client.get(f"/subjects/{seeded.other.uscc}", headers=HTML).text
    assert "守法经营公开承诺" not in other  # only the subject's own
