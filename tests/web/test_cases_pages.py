"""Repair and objection through the pages: a subject files, the department handles, effects show."""

from __future__ import annotations

import datetime as dt
import re

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.web.conftest import HTML, form_token, sign_in
from tests.web.seed import PASSWORD, Seeded
from xinyong.repair.models import RepairCase


def _file_repair(client: TestClient, seeded: Seeded) -> int:
    form = client.get("/me/repairs/new", params={"record_id": seeded.penalty.id}, headers=HTML)
    assert form.status_code == 200
    assert "该记录符合申请条件" in form.text
    resp = client.post(
        "/me/repairs",
        data={
            "csrf_token": form_token(form.text),
            "record_id": str(seeded.penalty.id),
            "obligations_fulfilled": "true",
            "commitment_accepted": "true",
            "statement": "罚款已缴清，年度报告已补报。",
        },
        files={"performance_proof": ("缴款凭证.pdf", b"%PDF-1.4 receipt", "application/pdf")},
        headers=HTML,
        follow_redirects=False,
    )
    assert resp.status_code == 303, resp.text
    found = re.fullmatch(r"/me/repairs/(\d+)", resp.headers["location"])
    assert found
    return int(found.group(1))


def test_repair_from_application_to_approval(client: TestClient, seeded: Seeded) -> None:
    sign_in(client, "hongda", PASSWORD)
    case_id = _file_repair(client, seeded)
    status = client.get(f"/me/repairs/{case_id}", headers=HTML)
    assert "已提交待受理" in status.text
    assert "缴款凭证.pdf" in status.text
    client.cookies.clear()

    sign_in(client, "scjg-officer", PASSWORD)
    queue = client.get("/console/queue", headers=HTML)
    assert f'data-case="repair-{case_id}"' in queue.text
    page = client.get(f"/console/repairs/{case_id}", headers=HTML)
    assert "penalty_end" not in page.text  # the repair mode by its Chinese name
    assert "终止公示" in page.text
    accept = client.post(
        f"/console/repairs/{case_id}/accept", data={"csrf_token": form_token(page.text)}, headers=HTML
    )
    assert "已受理待决定" in accept.text
    decided = client.post(
        f"/console/repairs/{case_id}/decide",
        data={"csrf_token": form_token(accept.text), "outcome": "approved", "reason": "已履行义务，准予修复"},
        headers=HTML,
    )
    assert "请勾选确认" in decided.text  # an irreversible decision is not taken without the confirmation
    assert "已受理待决定" in decided.text
    decided = client.post(
        f"/console/repairs/{case_id}/decide",
        data={
            "csrf_token": form_token(accept.text),
            "outcome": "approved",
            "reason": "已履行义务，准予修复",
            "confirmed": "true",
        },
        headers=HTML,
    )
    assert "准予修复" in decided.text
    assert f'data-case="repair-{case_id}"' not in client.get("/console/queue", headers=HTML).text
    client.cookies.clear()

    public = client.get(f"/subjects/{seeded.firm.uscc}", headers=HTML)
    assert "台市监处罚〔2026〕101号" not in public.text
    sign_in(client, "hongda", PASSWORD)
    own = client.get("/me", headers=HTML)
    penalty = re.search(rf'data-record-id="{seeded.penalty.id}".*?</article>', own.text, re.S)
    assert penalty
    assert "已修复" in penalty.group(0)


def test_ineligible_repair_is_explained(client: TestClient, seeded: Seeded) -> None:
    sign_in(client, "hongda", PASSWORD)
    form = client.get("/me/repairs/new", params={"record_id": seeded.penalty.id}, headers=HTML)
    resp = client.post(
        "/me/repairs",
        data={
            "csrf_token": form_token(form.text),
            "record_id": str(seeded.penalty.id),
            "commitment_accepted": "true",
        },
        headers=HTML,
    )
    assert resp.status_code == 200
    assert 'id="repair-error"' in resp.text


def test_other_subjects_records_are_refused(client: TestClient, seeded: Seeded) -> None:
    sign_in(client, "hongda", PASSWORD)
    resp = client.get("/me/repairs/new", params={"record_id": seeded.blacklist.id}, headers=HTML)
    assert resp.status_code == 403


def test_objection_marks_the_record_and_reaches_the_department(client: TestClient, seeded: Seeded) -> None:
    sign_in(client, "hongda", PASSWORD)
    form = client.get("/me/objections/new", params={"record_id": seeded.licence.id}, headers=HTML)
    resp = client.post(
        "/me/objections",
        data={
            "csrf_token": form_token(form.text),
            "record_id": str(seeded.licence.id),
            "ground": "wrong",
            "description": "许可内容有误，应为预包装食品（含冷藏冷冻食品）销售",
            "contact_name": "王建国",
            "contact_phone": "0576-88888888",
        },
        headers=HTML,
    )
    assert resp.status_code == 200
    assert "已提交待受理" in resp.text
    public = client.get(f"/subjects/{seeded.firm.uscc}", headers=HTML)
    licence = re.search(rf'data-record-id="{seeded.licence.id}".*?</article>', public.text, re.S)
    assert licence
    assert "异议中" in licence.group(0)
    client.cookies.clear()
    sign_in(client, "scjg-officer", PASSWORD)
    assert 'data-case="objection-' in client.get("/console/queue", headers=HTML).text


def test_authorisation_grant_revoke_and_who_looked(client: TestClient, seeded: Seeded) -> None:
    sign_in(client, "hongda", PASSWORD)
    page = client.get("/me/authorisations", headers=HTML)
    assert '<option value="BK-TZYH">台州银行（银行）</option>' in page.text  # picked from the register
    resp = client.post(
        "/me/authorisations",
        data={
            "csrf_token": form_token(page.text),
            "institution": "BK-TZYH",
            "sections": ["行政管理", "严重失信"],
            "score": "true",
            "purpose": "贷款审批",
            "valid_from": "2026-01-01",
            "valid_to": "2026-03-01",
        },
        headers=HTML,
    )
    assert "台州银行" in resp.text
    assert "行政管理、严重失信、信用评分" in resp.text
    free_text = client.post(
        "/me/authorisations",
        data={
            "csrf_token": form_token(resp.text),
            "institution": "台州银行",
            "sections": ["行政管理"],
            "purpose": "合作",
            "valid_from": "2026-01-01",
            "valid_to": "2026-02-01",
        },
        headers=HTML,
    )
    assert "须从已登记的金融机构名录中选择" in free_text.text
    too_long = client.post(
        "/me/authorisations",
        data={
            "csrf_token": form_token(resp.text),
            "institution": "BK-TZYH",
            "sections": ["行政管理"],
            "purpose": "合作",
            "valid_from": "2026-01-01",
            "valid_to": "2028-01-01",
        },
        headers=HTML,
    )
    assert "授权期限不得超过" in too_long.text
    client.cookies.clear()
    sign_in(client, "scjg-officer", PASSWORD)
    client.get(f"/console/subjects/{seeded.firm.uscc}", params={"purpose": "daily_supervision"}, headers=HTML)
    client.cookies.clear()
    sign_in(client, "hongda", PASSWORD)
    who = client.get("/me/queries", headers=HTML)
    assert seeded.department.name in who.text
    assert "日常监督管理" in who.text


def test_overdue_cases_are_highlighted_first(client: TestClient, seeded: Seeded, session: Session) -> None:
    sign_in(client, "hongda", PASSWORD)
    case_id = _file_repair(client, seeded)
    case = session.get(RepairCase, case_id)
    assert case is not None
    case.accept_due_on = dt.date(2026, 1, 5)  # the acceptance deadline passed long ago
    session.flush()
    client.cookies.clear()
    sign_in(client, "scjg-officer", PASSWORD)
    queue = client.get("/console/queue", headers=HTML)
    row = re.search(rf'<tr class="([^"]*)" data-case="repair-{case_id}">.*?</tr>', queue.text, re.S)
    assert row
    assert row.group(1) == "overdue"
    assert "超期" in row.group(0)


def test_console_previews_images_and_links_pdfs_as_downloads(client: TestClient, seeded: Seeded) -> None:
    """Issue 16 finding 1: the console shows an image through the inert preview, a PDF only as a download."""
    sign_in(client, "hongda", PASSWORD)
    form = client.get("/me/repairs/new", params={"record_id": seeded.penalty.id}, headers=HTML)
    resp = client.post(
        "/me/repairs",
        data={
            "csrf_token": form_token(form.text),
            "record_id": str(seeded.penalty.id),
            "obligations_fulfilled": "true",
            "commitment_accepted": "true",
        },
        files={
            "performance_proof": ("缴款凭证.pdf", b"%PDF-1.4 receipt", "application/pdf"),
            "other": ("现场照片", b"\x89PNG\r\n\x1a\n" + b"\x00" * 16, "text/html"),
        },
        headers=HTML,
        follow_redirects=False,
    )
    assert resp.status_code == 303, resp.text
    case_id = int(resp.headers["location"].rsplit("/", 1)[1])
    client.cookies.clear()
    sign_in(client, "scjg-officer", PASSWORD)
    page = client.get(f"/console/repairs/{case_id}", headers=HTML).text
    previews = re.findall(r'<img src="(/api/v1/repairs/\d+/materials/\d+)\?preview=true"', page)
    assert len(previews) == 1
    downloads = re.findall(r'<a href="(/api/v1/repairs/\d+/materials/\d+)" download>', page)
    assert len(downloads) == 3  # the proof, the photo and the signed commitment
    image = client.get(previews[0] + "?preview=true")
    assert image.headers["content-type"] == "image/png"
    assert image.headers["content-security-policy"] == "default-src 'none'; sandbox"


def test_repair_button_only_where_an_application_can_succeed(client: TestClient, seeded: Seeded) -> None:
    sign_in(client, "hongda", PASSWORD)

    def card() -> str:
        own = client.get("/me", headers=HTML).text
        found = re.search(rf'data-record-id="{seeded.penalty.id}".*?</article>', own, re.S)
        assert found
        return found.group(0)

    assert f'href="/me/repairs/new?record_id={seeded.penalty.id}"' in card()
    case_id = _file_repair(client, seeded)
    after = card()
    assert f'href="/me/repairs/new?record_id={seeded.penalty.id}"' not in after
    assert f"已有办理中的修复申请（编号 {case_id}）" in after
    form = client.get("/me/repairs/new", params={"record_id": seeded.penalty.id}, headers=HTML).text
    assert 'action="/me/repairs"' not in form  # no second application form while one is pending


def test_a_refused_objection_keeps_what_was_typed(client: TestClient, seeded: Seeded) -> None:
    sign_in(client, "hongda", PASSWORD)
    form = client.get("/me/objections/new", params={"record_id": seeded.licence.id}, headers=HTML)
    resp = client.post(
        "/me/objections",
        data={
            "csrf_token": form_token(form.text),
            "record_id": str(seeded.licence.id),
            "ground": "wrong",
            "description": "许可内容有误，应为预包装食品销售",
            "contact_name": "王建国",
        },
        headers=HTML,
    )
    assert "请留下联系人姓名及电话或电子邮箱" in resp.text  # neither a telephone nor an e-mail address
    assert ">许可内容有误，应为预包装食品销售</textarea>" in resp.text
    assert 'value="王建国"' in resp.text
    assert '<option value="wrong" selected>' in resp.text


def test_the_objection_outcome_is_shown_by_its_name(client: TestClient, seeded: Seeded) -> None:
    sign_in(client, "hongda", PASSWORD)
    form = client.get("/me/objections/new", params={"record_id": seeded.licence.id}, headers=HTML)
    client.post(
        "/me/objections",
        data={
            "csrf_token": form_token(form.text),
            "record_id": str(seeded.licence.id),
            "ground": "wrong",
            "description": "许可内容有误",
            "contact_name": "王建国",
            "contact_phone": "0576-88888888",
        },
        headers=HTML,
    )
    client.cookies.clear()
    sign_in(client, "scjg-officer", PASSWORD)
    queue = client.get("/console/queue", headers=HTML).text
    found = re.search(r'data-case="objection-(\d+)"', queue)
    assert found
    url = f"/console/objections/{found.group(1)}"
    page = client.get(url, headers=HTML)
    accepted = client.post(f"{url}/accept", data={"csrf_token": form_token(page.text)}, headers=HTML)
    decided = client.post(
        f"{url}/decide",
        data={
            "csrf_token": form_token(accepted.text),
            "outcome": "delete",
            "reason": "经核实许可内容有误",
            "confirmed": "true",
        },
        headers=HTML,
    )
    assert "删除（事实错误）：经核实许可内容有误" in decided.text
    assert ">delete" not in decided.text
