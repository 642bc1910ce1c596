"""信用承诺: code format, registration by API and file, publication, fulfilment, breach and eligibility."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.factories import sanctions as f
from tests.factories.subjects import enterprise, person
from xinyong.commitments import service
from xinyong.commitments.files import load_file
from xinyong.departments.service import sync_from_policy
from xinyong.errors import Conflict, Invalid
from xinyong.records.models import CreditRecord
from xinyong.runtime import Runtime


def _input(
    code: str, kind: str = "证明事项告知承诺型", on: dt.date = dt.date(2026, 3, 2)
) -> service.CommitmentInput:
    return service.CommitmentInput(
        code, kind, "WL-SCJG", "食品经营许可", "本单位承诺所提交材料真实有效。", on
    )


@pytest.fixture
def synced(session: Session, runtime: Runtime) -> None:
    sync_from_policy(session, runtime.policy, actor="test", on=dt.date(2026, 1, 1))


@pytest.mark.usefixtures("synced")
def test_code_is_region_date_sequence(session: Session, runtime: Runtime) -> None:
    s = enterprise(session, runtime.keys)
    a = service.register(session, runtime.policy, runtime.keys, _input(str(s.uscc)), actor="t")
    b = service.register(session, runtime.policy, runtime.keys, _input(str(s.uscc)), actor="t")
    assert re.fullmatch(r"33108120260302\d{6}", a.code)
    assert int(b.code[-6:]) == int(a.code[-6:]) + 1
    assert [e.to_status for e in service.history(session, a.id)] == ["履约中"]
    with pytest.raises(Invalid):
        service.register(session, runtime.policy, runtime.keys, _input(str(s.uscc), "随便型"), actor="t")


@pytest.mark.usefixtures("synced")
def test_breach_creates_negative_record_and_suspends_eligibility(session: Session, runtime: Runtime) -> None:
    s = enterprise(session, runtime.keys)
    c = service.register(session, runtime.policy, runtime.keys, _input(str(s.uscc)), actor="t")
    with pytest.raises(Invalid):
        service.set_status(session, runtime.policy, c.code, "未履行", dt.date(2026, 5, 1), actor="t")
    service.set_status(
        session, runtime.policy, c.code, "未履行", dt.date(2026, 5, 1), actor="t", reason="承诺不实"
    )
    with pytest.raises(Conflict):
        service.set_status(session, runtime.policy, c.code, "全部履行", dt.date(2026, 5, 2), actor="t")
    rec = session.get(CreditRecord, c.breach_record_id)
    assert rec is not None
    assert (rec.catalog_item, rec.polarity, rec.severity, rec.document_no) == (
        "xycn",
        "negative",
        "一般",
        c.code,
    )
    assert rec.payload["commitment_code"] == c.code
    (b,) = service.breaches_for(session, [s.id], runtime.policy)[s.id]
    assert b.suspended_until == dt.date(2027, 4, 30)
    assert [e.to_status for e in service.history(session, c.id)] == ["履约中", "未履行"]


def test_api_register_publish_breach_and_check(
    client: TestClient, session: Session, runtime: Runtime
) -> None:
    sync_from_policy(session, runtime.policy, actor="test", on=dt.date(2026, 1, 1))
    s = enterprise(session, runtime.keys)
    p = person(session, runtime.keys)
    key, _ = f.api_key(session, dept="WL-SCJG")
    session.commit()
    h = {"Authorization": f"Bearer {key}"}
    base = {
        "matter": "食品经营许可",
        "content": "本单位承诺遵守法律法规，接受社会监督。",
        "committed_on": "2026-03-02",
    }
    r = client.post("/api/v1/commitments", json={**base, "subject_code": s.uscc, "type": "主动型"}, headers=h)
    assert r.status_code == 201, r.text
    public_code = r.json()["code"]
    assert r.json()["department"] == "WL-SCJG"
    informed = client.post(
        "/api/v1/commitments", json={**base, "subject_code": s.uscc, "type": "证明事项告知承诺型"}, headers=h
    ).json()
    assert client.post(
        "/api/v1/commitments",
        json={**base, "subject_code": p.identifiers[0].masked or "", "type": "主动型"},
        headers=h,
    ).status_code in (404, 422)
    pub = client.get("/api/v1/public/commitments").json()["items"]
    assert [i["code"] for i in pub] == [public_code]
    assert pub[0]["status"] == "— —"
    assert (
        client.post(
            "/api/v1/commitments", json={**base, "subject_code": s.uscc, "type": "主动型"}
        ).status_code
        == 401
    )
    st = client.post(
        f"/api/v1/commitments/{informed['code']}/status",
        json={"status": "未履行", "effective_on": "2026-06-01", "reason": "提交材料虚假"},
        headers=h,
    )
    assert st.status_code == 200, st.text
    assert [x["to"] for x in st.json()["history"]] == ["履约中", "未履行"]
    chk = client.post(
        "/api/v1/check", json={"code": s.uscc, "scenario": "行政许可", "on": "2026-11-02"}, headers=h
    ).json()
    res = chk["results"][0]
    assert res["commitment"] == {"eligible": False, "suspended_until": "2027-05-31"}
    hits = {x["measure_id"] for x in res["hits"]}
    assert {"nat.2.no-commitment", "zj.23.1"} <= hits  # the breach record is 不良信息 too
    later = client.post(
        "/api/v1/check", json={"code": s.uscc, "scenario": "行政许可", "on": "2027-06-01"}, headers=h
    ).json()
    assert later["results"][0]["commitment"]["eligible"] is True


@pytest.mark.usefixtures("synced")
def test_file_registration_reports_bad_rows(tmp_path, session: Session, runtime: Runtime) -> None:  # type: ignore[no-untyped-def]
    s = enterprise(session, runtime.keys)
    path = tmp_path / "c.csv"
    path.write_text(
        "统一社会信用代码,承诺类型,受理单位编码,承诺事项,承诺内容,承诺日期,履约期限\n"
        f"{s.uscc},容缺办理型,TZ-SCJG,营业执照变更,承诺30日内补齐材料,2026-04-01,2026-05-01\n"
        f"{s.uscc},容缺办理型,TZ-NOPE,营业执照变更,承诺,2026-04-01,\n"
        f"{s.uscc},容缺办理型,TZ-SCJG,营业执照变更,承诺,2026/04/01,\n",
        "utf-8-sig",
    )
    report = load_file(session, runtime.policy, runtime.keys, path, actor="t")
    assert len(report.codes) == 1
    assert report.codes[0].startswith("33100020260401")
    assert [line for line, _ in report.errors] == [3, 4]
    assert session.scalar(select(CreditRecord).where(CreditRecord.document_no == report.codes[0])) is None


def test_cli_load(tmp_path, session: Session, runtime: Runtime, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from typer.testing import CliRunner

    from xinyong import cli, cli_support

    sync_from_policy(session, runtime.policy, actor="test", on=dt.date(2026, 1, 1))
    s = enterprise(session, runtime.keys)
    session.commit()
    monkeypatch.setattr(cli_support, "_runtime", lambda: runtime)
    path = tmp_path / "c.csv"
    path.write_text(
        "统一社会信用代码,承诺类型,受理单位编码,承诺事项,承诺内容,承诺日期\n"
        f"{s.uscc},主动型,TZ-SCJG,守法经营,承诺守法经营,2026-04-01\n"
        f"{s.uscc},不存在型,TZ-SCJG,守法经营,承诺守法经营,2026-04-01\n",
        "utf-8",
    )
    result = CliRunner().invoke(cli.app, ["commitments", "load", str(path)])
    assert result.exit_code == 0, result.output
    assert "已登记 1 条信用承诺，拒收 1 行" in result.output


def test_a_department_cannot_act_as_another(client: TestClient, session: Session, runtime: Runtime) -> None:
    """Issue 16 finding 2: department comes from the caller, never the body; status only by the receiver."""
    from xinyong.audit.models import AuditEvent
    from xinyong.auth.principal import Role

    sync_from_policy(session, runtime.policy, actor="test", on=dt.date(2026, 1, 1))
    s = enterprise(session, runtime.keys)
    scjg, _ = f.api_key(session, dept="TZ-SCJG")
    sw, _ = f.api_key(session, dept="TZ-SW")
    admin, _ = f.api_key(session, role=Role.ADMIN, dept=None)
    session.commit()
    as_scjg = {"Authorization": f"Bearer {scjg}"}
    as_sw = {"Authorization": f"Bearer {sw}"}
    base = {
        "subject_code": s.uscc,
        "type": "证明事项告知承诺型",
        "matter": "纳税信用",
        "content": "本单位承诺按期申报纳税。",
        "committed_on": "2026-03-02",
    }
    r = client.post("/api/v1/commitments", json={**base, "department": "TZ-SW"}, headers=as_scjg)
    assert r.status_code == 403
    assert r.json()["code"] == "commitment.wrong_department"
    tax = client.post("/api/v1/commitments", json=base, headers=as_sw)
    assert tax.status_code == 201
    assert tax.json()["department"] == "TZ-SW"
    code = tax.json()["code"]
    breach = {"status": "未履行", "effective_on": "2026-06-01", "reason": "未按期申报"}
    r = client.post(f"/api/v1/commitments/{code}/status", json=breach, headers=as_scjg)
    assert r.status_code == 403
    assert client.get(f"/api/v1/commitments/{code}", headers=as_sw).json()["status"] == "履约中"
    # the credit centre may act on a department's behalf, and the audit says so
    as_admin = {"Authorization": f"Bearer {admin}"}
    r = client.post("/api/v1/commitments", json={**base, "department": "TZ-SCJG"}, headers=as_admin)
    assert r.status_code == 201
    assert r.json()["department"] == "TZ-SCJG"
    r = client.post(f"/api/v1/commitments/{code}/status", json=breach, headers=as_admin)
    assert r.status_code == 200
    details = session.scalars(
        select(AuditEvent.detail).where(AuditEvent.object_type == "commitment").order_by(AuditEvent.id)
    ).all()
    assert details[-2]["on_behalf_of"] == "TZ-SCJG"
    assert "on_behalf_of_department_id" in details[-1]
