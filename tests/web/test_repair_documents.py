"""The repair documents as PDF (信用修复决定书, 告知书, 申请指引): the text read back from the PDF states the
decision, only the subject and the officers in scope may download them, and each read is logged."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.web.conftest import HTML, form_token, sign_in
from tests.web.seed import PASSWORD, Seeded
from tests.web.test_cases_pages import _file_repair
from xinyong.auth import service as auth_service
from xinyong.auth.models import QueryLog
from xinyong.auth.principal import Role
from xinyong.departments.models import Department
from xinyong.policy.loader import Policy
from xinyong.repair.workflows import workflows


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    """Return a PDF's text with all white space removed (lines wrap where the page ends)."""
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout
    return re.sub(r"\s+", "", out)


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _decide(client: TestClient, seeded: Seeded, outcome: str, reason: str) -> int:
    sign_in(client, "hongda", PASSWORD)
    case_id = _file_repair(client, seeded)
    client.cookies.clear()
    sign_in(client, "scjg-officer", PASSWORD)
    page = client.get(f"/console/repairs/{case_id}", headers=HTML)
    accept = client.post(
        f"/console/repairs/{case_id}/accept", data={"csrf_token": form_token(page.text)}, headers=HTML
    )
    decided = client.post(
        f"/console/repairs/{case_id}/decide",
        data={
            "csrf_token": form_token(accept.text),
            "outcome": outcome,
            "reason": reason,
            "confirmed": "true",
        },
        headers=HTML,
    )
    assert decided.status_code == 200, decided.text
    return case_id


def test_decision_pdf_states_the_approval(
    client: TestClient, seeded: Seeded, session: Session, tmp_path: Path
) -> None:
    reason = "已缴清罚款并补报年度报告，准予修复。"
    case_id = _decide(client, seeded, "approved", reason)
    officer_page = client.get(f"/console/repairs/{case_id}", headers=HTML).text
    assert f'href="/api/v1/repairs/{case_id}/decision.pdf"' in officer_page
    client.cookies.clear()

    sign_in(client, "hongda", PASSWORD)
    status = client.get(f"/me/repairs/{case_id}", headers=HTML).text
    assert f'href="/api/v1/repairs/{case_id}/decision.pdf"' in status
    resp = client.get(f"/api/v1/repairs/{case_id}/decision.pdf")
    assert resp.status_code == 200, resp.text
    assert resp.headers["content-type"] == "application/pdf"
    assert "filename*=UTF-8''" in resp.headers["content-disposition"]
    text = pdf_text(resp.content, tmp_path)
    for part in (
        "信用修复决定书",
        f"编号：修复-{case_id}",
        seeded.firm.name,
        "台市监处罚〔2026〕101号",
        "准予信用修复",
        "终止公示，并停止共享和使用该信息",
        reason,
        seeded.department.name,
    ):
        assert _squash(part) in text, part
    assert "不予信用修复" not in text
    path = tmp_path / "fonts.pdf"
    path.write_bytes(resp.content)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, check=True, text=True).stdout
    cjk = [line.split() for line in fonts.splitlines() if "Noto-Sans-CJK" in line]
    assert cjk, fonts
    assert all(cols[-5] == "yes" for cols in cjk), fonts  # embedded (the emb column)
    logged = session.scalars(select(QueryLog.what).where(QueryLog.subject_id == seeded.firm.id)).all()
    assert "repair_decision" in logged


def test_rejection_pdf_states_the_refusal_and_the_remedy(
    client: TestClient, seeded: Seeded, tmp_path: Path
) -> None:
    case_id = _decide(client, seeded, "rejected", "缴款凭证与处罚决定金额不符。")
    resp = client.get(f"/api/v1/repairs/{case_id}/decision.pdf")
    assert resp.status_code == 200, resp.text
    text = pdf_text(resp.content, tmp_path)
    assert "不予信用修复" in text
    assert "缴款凭证与处罚决定金额不符。" in text
    assert "行政复议" in text
    assert "准予信用修复" not in text


def test_no_decision_document_before_the_decision(client: TestClient, seeded: Seeded) -> None:
    sign_in(client, "hongda", PASSWORD)
    case_id = _file_repair(client, seeded)
    assert "decision.pdf" not in client.get(f"/me/repairs/{case_id}", headers=HTML).text
    resp = client.get(f"/api/v1/repairs/{case_id}/decision.pdf")
    assert resp.status_code == 409
    assert resp.json()["code"] == "repair.undecided"
    assert "尚未作出修复决定" in resp.json()["message"]


def test_notice_pdf_reads_as_the_notice(client: TestClient, seeded: Seeded, tmp_path: Path) -> None:
    sign_in(client, "hongda", PASSWORD)
    page = client.get("/me/repairs/new", params={"record_id": seeded.penalty.id}, headers=HTML).text
    assert f'href="/api/v1/records/{seeded.penalty.id}/repair-notice.pdf"' in page
    notice = client.get(f"/api/v1/records/{seeded.penalty.id}/repair-notice", params={"format": "text"})
    assert notice.status_code == 200
    resp = client.get(f"/api/v1/records/{seeded.penalty.id}/repair-notice.pdf")
    assert resp.status_code == 200, resp.text
    text = pdf_text(resp.content, tmp_path)
    for line in notice.text.splitlines():
        line = line.strip().removeprefix("申请材料：")
        for part in line.rstrip("。").split("；"):
            assert _squash(part) in text, part


def test_guide_pdf_lists_the_materials_policy_requires(
    client: TestClient, seeded: Seeded, policy: Policy, tmp_path: Path
) -> None:
    sign_in(client, "hongda", PASSWORD)
    page = client.get("/me/repairs/new", params={"record_id": seeded.penalty.id}, headers=HTML).text
    assert f'href="/api/v1/records/{seeded.penalty.id}/repair-guide.pdf"' in page
    resp = client.get(f"/api/v1/records/{seeded.penalty.id}/repair-guide.pdf")
    assert resp.status_code == 200, resp.text
    text = pdf_text(resp.content, tmp_path)
    assert "信用修复申请指引" in text
    assert "该记录符合申请条件" in text
    for m in workflows(policy).repair.modes["penalty_end"].materials:
        assert _squash(f"{m.label}（{'必交' if m.required else '按需提交'}）") in text, m.label


@pytest.mark.parametrize("who", ["person-self", "city-bank", "other-officer"])
def test_only_the_subject_and_officers_in_scope_download(
    client: TestClient, seeded: Seeded, session: Session, who: str
) -> None:
    reason = "准予修复。"
    case_id = _decide(client, seeded, "approved", reason)
    client.cookies.clear()
    if who == "other-officer":
        other = session.scalar(select(Department).where(Department.code != seeded.department.code).limit(1))
        assert other is not None
        auth_service.create_account(
            session,
            actor="system:test",
            username=who,
            password=PASSWORD,
            role=Role.OFFICER,
            department_id=other.id,
            region_code="331002",
            organisation=other.name,
        )
        session.flush()
    sign_in(client, who, PASSWORD)
    for url in (
        f"/api/v1/repairs/{case_id}/decision.pdf",
        f"/api/v1/records/{seeded.penalty.id}/repair-notice.pdf",
        f"/api/v1/records/{seeded.penalty.id}/repair-guide.pdf",
    ):
        resp = client.get(url)
        assert resp.status_code == 403, (url, resp.status_code)
        assert resp.headers["content-type"].startswith("application/json")


def test_anonymous_callers_are_asked_to_sign_in(client: TestClient, seeded: Seeded) -> None:
    resp = client.get(f"/api/v1/records/{seeded.penalty.id}/repair-guide.pdf")
    assert resp.status_code == 401
