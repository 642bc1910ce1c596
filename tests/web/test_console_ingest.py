"""Console ingestion pages over HTTP: batches, quality KPIs, rejects download, 未关联 review."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.web.conftest import HTML, form_token, sign_in
from tests.web.seed import PASSWORD, Seeded
from xinyong.runtime import Runtime

pytest.importorskip("xinyong.ingest.service", reason="归集（issue 3）尚未合并")

from tests.factories import ingest as ingest_fx
from xinyong.ingest.service import IngestRequest, ingest_file


def _ingest(session: Session, runtime: Runtime, seeded: Seeded, tmp_path: Path) -> int:
    rows = [
        ingest_fx.penalty(seeded.other.name, seeded.other.uscc or "", "温市监罚〔2026〕7号"),
        ingest_fx.penalty("温岭市宏达鞋业有限責任公司", "", "温市监罚〔2026〕8号"),
        ingest_fx.penalty("坏代码有限公司", "91331081MA2XXXXX0X", "温市监罚〔2026〕9号"),
    ]
    path = ingest_fx.write_csv(tmp_path / "xzcf.csv", rows)
    result = ingest_file(
        session,
        IngestRequest(path=path, source_id="xzcf", actor="test", today=dt.date(2026, 5, 10)),
        policy=runtime.policy,
        keys=runtime.keys,
    )
    assert result.rejected == 1
    return result.batch_id


def test_ingest_dashboard_lists_batches_kpis_and_rejects(
    client: TestClient, seeded: Seeded, session: Session, runtime: Runtime, tmp_path: Path
) -> None:
    batch_id = _ingest(session, runtime, seeded, tmp_path)
    sign_in(client, "centre-admin", PASSWORD)
    page = client.get("/console/ingest", headers=HTML)
    assert page.status_code == 200
    assert f'data-batch-id="{batch_id}"' in page.text
    assert 'hx-get="/console/ingest/quality"' in page.text  # the slow KPIs load after the page
    assert 'hx-trigger="load"' in page.text
    quality = client.get("/console/ingest/quality", headers={**HTML, "hx-request": "true"})
    assert 'data-chart="chart-quality"' in quality.text
    assert "温岭市市场监督管理局" in quality.text  # the department by name, not its code
    rejects = client.get(f"/console/ingest/batches/{batch_id}/rejects?fmt=csv")
    assert rejects.status_code == 200
    assert rejects.headers["x-reject-count"] == "1"
    text = rejects.content.decode("utf-8-sig")
    assert "坏代码有限公司" in text
    assert "温市监罚〔2026〕7号" not in text


def test_officer_cannot_download_another_departments_rejects(
    client: TestClient, seeded: Seeded, session: Session, runtime: Runtime, tmp_path: Path
) -> None:
    batch_id = _ingest(session, runtime, seeded, tmp_path)
    sign_in(client, "scjg-officer", PASSWORD)  # TZ-SCJG; the batch came from WL-SCJG
    assert client.get(f"/console/ingest/batches/{batch_id}/rejects", headers=HTML).status_code == 403
    assert f'data-batch-id="{batch_id}"' not in client.get("/console/ingest", headers=HTML).text


def test_unresolved_queue_decision_links_the_row(
    client: TestClient, seeded: Seeded, session: Session, runtime: Runtime, tmp_path: Path
) -> None:
    _ingest(session, runtime, seeded, tmp_path)
    sign_in(client, "centre-admin", PASSWORD)
    page = client.get("/console/unresolved", headers=HTML)
    assert "温岭市宏达鞋业有限責任公司" in page.text
    found = re.search(r'id="row-(\d+)"', page.text)
    assert found
    row_id = found.group(1)
    assert seeded.other.name in page.text  # ranked candidate
    resp = client.post(
        f"/console/unresolved/{row_id}/decisions",
        data={"csrf_token": form_token(page.text), "subject_id": str(seeded.other.id), "same": "true"},
        headers={**HTML, "hx-request": "true"},
    )
    assert resp.status_code == 200
    assert "已关联到主体" in resp.text
    assert "<html" not in resp.text
