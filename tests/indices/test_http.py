"""Issue 21 point 5: the API and the console pages — ranking, drill-down to the records, XLSX, errors."""

from __future__ import annotations

import datetime as dt
import io

from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from tests.factories import auth as fa
from tests.factories import records as record_factory
from tests.factories import subjects as subject_factory
from tests.factories.indices import government
from xinyong.auth.principal import Role
from xinyong.indices import service
from xinyong.runtime import Runtime

HTML = {"accept": "text/html"}


def _computed(session: Session, runtime: Runtime) -> int:
    body = government(session, runtime.keys, "331082")
    dept = subject_factory.department(session, "LH-SCJG")
    rec = record_factory.record(
        session,
        runtime.policy,
        body,
        dept,
        decision_on=dt.date(2026, 10, 8),
        document_no="临市监罚〔2026〕88号",
    )
    service.compute(session, runtime.policy, "2026-10", actor="test")
    return rec.id


def test_api_answers_the_ranking_with_points_and_facts(
    client: TestClient, session: Session, runtime: Runtime
) -> None:
    record_id = _computed(session, runtime)
    assert client.get("/api/v1/indices/gov-integrity-county?period=2026-10").status_code == 401
    fa.login(client, fa.account(session, Role.SUPERVISOR))
    body = client.get("/api/v1/indices/gov-integrity-county?period=2026-10&unit=county").json()
    assert body["unit_label"] == "县（市、区）"
    assert len(body["units"]) == 9
    linhai = next(u for u in body["units"] if u["unit_key"] == "331082")
    dishonest = next(i for i in linhai["indicators"] if i["code"] == "gov_dishonest")
    assert dishonest["evidence"] == [f"record:{record_id}"]
    assert dishonest["points"] == 15
    catalogue = client.get("/api/v1/indices").json()
    assert next(i for i in catalogue if i["index_id"] == "gov-integrity-county")["periods"] == ["2026-10"]


def test_bad_period_unit_or_index_is_a_chinese_error_not_a_500(
    client: TestClient, session: Session, runtime: Runtime
) -> None:
    fa.login(client, fa.account(session, Role.ADMIN))
    bad = client.get("/api/v1/indices/gov-integrity-county?period=2026-13")
    assert bad.status_code == 422
    assert "统计期" in bad.json()["message"]
    assert client.get("/api/v1/indices/no-such-index?period=2026-10").status_code == 404
    assert client.get("/api/v1/indices/gov-integrity-county?period=2026-10&unit=village").status_code == 404


def test_console_ranking_drill_down_and_xlsx(client: TestClient, session: Session, runtime: Runtime) -> None:
    _computed(session, runtime)
    fa.login(client, fa.account(session, Role.ADMIN))
    page = client.get("/console/indices/gov-integrity-county?period=2026-10&unit=county", headers=HTML).text
    assert "临海市" in page
    assert 'data-chart="chart-ranking"' in page
    assert 'data-chart="chart-trend"' in page
    unit = client.get(
        "/console/indices/gov-integrity-county/units/331082?period=2026-10&unit=county", headers=HTML
    )
    assert unit.status_code == 200
    assert "临市监罚〔2026〕88号" in unit.text  # the record behind the deducted points
    xlsx = client.get("/console/indices/gov-integrity-county/export.xlsx?period=2026-10&unit=county")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    header = [c.value for c in next(sheet.iter_rows(max_row=1))]
    assert header[:5] == ["名次", "单位", "总分", "等级", "较上期"]
    assert "政府机构失信记录" in header
    assert sheet.max_row == 10
