"""Officer upload in the console: preview with the catalog's mapping, background batch, result, rejects."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.factories import ingest as ingest_fx
from tests.web.conftest import HTML, form_token, sign_in
from tests.web.seed import PASSWORD, Seeded
from xinyong.ingest import uploads
from xinyong.runtime import Runtime

TZ_SCJG_USCC = "11331000042107420B"  # 台州市市场监督管理局 (policy/departments.yaml)


def _file(tmp_path: Path, seeded: Seeded) -> Path:
    rows = [
        ingest_fx.penalty(
            seeded.other.name, seeded.other.uscc or "", "台市监罚〔2026〕7号", dept_uscc=TZ_SCJG_USCC
        ),
        ingest_fx.penalty(
            "坏代码有限公司", "91331081MA2XXXXX0X", "台市监罚〔2026〕9号", dept_uscc=TZ_SCJG_USCC
        ),
    ]
    return ingest_fx.write_csv(tmp_path / "处罚.csv", rows, encoding="gb18030")


def _stage(client: TestClient, path: Path, source_id: str = "xzcf") -> tuple[int, str]:
    page = client.get("/console/ingest/upload", headers=HTML)
    assert page.status_code == 200
    resp = client.post(
        "/console/ingest/upload",
        data={"source_id": source_id, "csrf_token": form_token(page.text)},
        files={"file": (path.name, path.read_bytes(), "text/csv")},
        headers=HTML,
    )
    return resp.status_code, resp.text


def test_officer_uploads_gbk_csv_and_gets_rejects_back_in_gbk(
    client: TestClient, seeded: Seeded, session: Session, runtime: Runtime, tmp_path: Path
) -> None:
    sign_in(client, "scjg-officer", PASSWORD)
    form = client.get("/console/ingest/upload", headers=HTML).text
    assert 'value="xzcf"' in form
    assert 'value="sbqj"' not in form  # 社保欠缴: only TZ-RLSB sends it
    status, preview = _stage(client, _file(tmp_path, seeded))
    assert status == 200, preview
    assert "GBK/GB18030" in preview
    assert "行政相对人名称" in preview  # the catalog's label of the mapped column
    assert "坏代码有限公司" in preview  # first rows shown
    start = re.search(r'action="/console/ingest/upload/([\w-]+)/start"', preview)
    assert start
    job_id = start.group(1)
    resp = client.post(
        f"/console/ingest/upload/{job_id}/start",
        data={"csrf_token": form_token(preview)},
        headers=HTML,
        follow_redirects=False,
    )
    assert resp.status_code == 303
    uploads.wait(job_id)
    done = client.get(f"/console/ingest/upload/{job_id}", headers={**HTML, "hx-request": "true"})
    assert 'data-state="done"' in done.text, done.text
    assert "hx-trigger" not in done.text  # polling stops once the batch is in
    link = re.search(r'href="(/console/ingest/batches/\d+/rejects\?fmt=csv)"', done.text)
    assert link
    rejects = client.get(link.group(1))
    assert rejects.status_code == 200
    text = rejects.content.decode("gb18030")
    assert "坏代码有限公司" in text
    assert "错误说明" in text
    assert "台市监罚〔2026〕7号" not in text
    history = client.get("/console/ingest/upload", headers=HTML).text
    assert "本部门批次记录" in history
    assert "data-batch-id=" in history


def test_officer_cannot_upload_another_departments_source(
    client: TestClient, seeded: Seeded, tmp_path: Path
) -> None:
    sign_in(client, "scjg-officer", PASSWORD)
    status, body = _stage(client, _file(tmp_path, seeded), source_id="sbqj")
    assert status == 403
    assert "本部门不能报送" in body


def test_a_failed_upload_says_why_and_stores_nothing(
    client: TestClient, seeded: Seeded, tmp_path: Path
) -> None:
    sign_in(client, "scjg-officer", PASSWORD)
    path = tmp_path / "空.csv"
    path.write_bytes(b"\x00\x01binary")
    status, body = _stage(client, path)
    assert status == 422
    assert "NUL" in body or "编码" in body


@pytest.mark.parametrize("username", ["centre-admin", "hongda"])
def test_only_officers_upload(client: TestClient, seeded: Seeded, username: str) -> None:
    sign_in(client, username, PASSWORD)
    assert client.get("/console/ingest/upload", headers=HTML).status_code == 403


def test_another_departments_job_is_not_readable(
    seeded: Seeded, runtime: Runtime, policy: object, tmp_path: Path
) -> None:
    store = uploads.JobStore(tmp_path)
    job = uploads.stage(
        store,
        runtime.policy,
        source_id="xzcf",
        file_name="a.csv",
        chunks=iter([b"CF_WSH\n1\n"]),
        department_id=seeded.department.id,
        department_code=seeded.department.code,
        actor="test",
    )
    assert uploads.own_job(store, job.id, seeded.department.id).id == job.id
    with pytest.raises(Exception, match="本部门"):
        uploads.own_job(store, job.id, seeded.department.id + 999)
