"""The authorisation matrix: every route (API and pages) × every kind of caller, answers in one table.

``authz_matrix.yaml`` holds, per ``METHOD /path``, the status each role gets. Writes are sent with an
empty body: a caller the route admits gets 422 (or the route's own answer), one it refuses gets
401/403/404 before the body is looked at — so the matrix tests who is let in, not what they send. Each
request runs in a savepoint rolled back afterwards, so no caller sees another's effects. A route
missing from the table fails the suite: a new route must say who may call it.

Regenerate a draft for review: ``XINYONG_AUTHZ_DRAFT=path.yaml pytest tests/security/test_authz_matrix.py``.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from tests.factories import evaluation as ev_factories
from tests.factories import repair as rf
from tests.factories import rural as rural_factories
from tests.factories import subjects as sf
from xinyong.agencies import service as agencies_service
from xinyong.agencies.schemas import AgencyIn, PractitionerIn
from xinyong.app_deps import request_now
from xinyong.auth import consent
from xinyong.auth.principal import Principal, Role
from xinyong.commitments import service as commitments_service
from xinyong.departments.service import sync_from_policy
from xinyong.evaluation import service as evaluation_service
from xinyong.monitoring.models import Alert
from xinyong.monitoring.service import run_monitor
from xinyong.repair.models import RepairMaterial
from xinyong.runtime import Runtime
from xinyong.subjects.schemas import SECTIONS

TABLE = Path(__file__).with_name("authz_matrix.yaml")
ROLES = (
    "public",
    "self",
    "other_subject",
    "bank_consent",
    "bank",
    "officer_in",
    "officer_out",
    "supervisor",
    "auditor",
    "admin",
    "system_other",
)
MULTIPART = {
    "POST /api/v1/repairs",
    "POST /api/v1/repairs/{case_id}/materials",
    "POST /api/v1/sources/{source_id}/batches",
}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
WENLING, LINHAI = "331081", "331082"


def _walk(routes: list[Any], prefix: str = "") -> Iterator[tuple[str, str]]:
    for r in routes:
        included = getattr(r, "original_router", None)
        if included is not None:
            yield from _walk(included.routes, prefix + r.include_context.prefix)
        elif isinstance(r, APIRoute):
            for m in sorted(r.methods or ()):
                yield m, prefix + r.path


def _routes(app: FastAPI) -> list[tuple[str, str]]:
    """Return every OpenAPI operation, then every page and other route outside the schema."""
    api = [(m.upper(), p) for p, ops in app.openapi()["paths"].items() for m in ops]
    seen = set(api)
    return api + sorted({r for r in _walk(app.router.routes) if r not in seen})


def _agency(session: Session, runtime: Runtime) -> tuple[int, int]:
    """File a credit service agency in Wenling with one practitioner (issue 19 point 7)."""
    admin = Principal(role=Role.ADMIN, username="test-admin")
    body = AgencyIn(
        uscc=sf.next_uscc(WENLING),
        name="温岭测试信用评估有限公司",
        filing_no="台信备〔2026〕99号",
        filed_on=dt.date(2026, 1, 5),
        filing_authority="TZ-FGW",
        business_scopes=["rating"],
    )
    row = agencies_service.register(session, runtime.policy, runtime.keys, admin, body, on=runtime.today())
    person = PractitionerIn(
        name="钱从业",
        id_card=sf.next_ric(WENLING),
        qualification="credit_manager",
        joined_on=dt.date(2026, 1, 6),
    )
    staff = agencies_service.add_practitioner(
        session, runtime.policy, runtime.keys, admin, row.id, person, on=runtime.today()
    )
    return row.id, staff.id


@pytest.fixture
def world(client: TestClient, app: FastAPI, session: Session, runtime: Runtime) -> dict[str, Any]:
    sync_from_policy(session, runtime.policy, actor="test", on=dt.date(2026, 1, 1))
    own = rf.department(session, "WL-SCJG", "market_regulation", "温岭市市场监督管理局")
    own.region_code = WENLING
    other = rf.department(session, "LH-SCJG", "market_regulation", "临海市市场监督管理局")
    other.region_code = LINHAI
    firm = sf.enterprise(
        session, runtime.keys, uscc=sf.next_uscc(WENLING), established_on=dt.date(2015, 1, 1)
    )
    rival = sf.enterprise(session, runtime.keys, uscc=sf.next_uscc(WENLING))
    penalty = rf.record(session, subject_id=firm.id, department_id=own.id, decision_on=dt.date(2026, 5, 10))
    ev_factories.record(session, firm, own.id, "xzcf", dt.date(2025, 3, 1))
    run = evaluation_service.run_evaluation(session, runtime.policy, dt.date(2026, 9, 1), actor="test")
    self_p, self_h = rf.api_key(session, Role.SUBJECT, subject_id=firm.id, organisation=firm.name)
    headers = {
        "public": {},
        "self": self_h,
        "other_subject": rf.api_key(session, Role.SUBJECT, subject_id=rival.id, organisation=rival.name)[1],
        "bank_consent": rf.api_key(session, Role.BANK, organisation="台州银行", institution_code="BK-TZYH")[
            1
        ],
        "bank": rf.api_key(session, Role.BANK, organisation="某某银行")[1],
        "officer_in": rf.api_key(session, Role.OFFICER, department_id=own.id, region_code=WENLING)[1],
        "officer_out": rf.api_key(session, Role.OFFICER, department_id=other.id, region_code=LINHAI)[1],
        "supervisor": rf.api_key(session, Role.SUPERVISOR, department_id=own.id)[1],
        "auditor": rf.api_key(session, Role.AUDITOR)[1],
        "admin": rf.api_key(session, Role.ADMIN)[1],
        "system_other": rf.api_key(session, Role.SYSTEM, department_id=other.id, region_code=LINHAI)[1],
    }
    grant = consent.grant(
        session,
        self_p,
        grantee_code="BK-TZYH",
        grantee_name="台州银行",
        sections=list(SECTIONS),
        score=True,
        purpose="贷款审批",
        valid_from=runtime.today() - dt.timedelta(days=1),  # in force whatever day the suite runs
        valid_to=runtime.today() + dt.timedelta(days=60),
        policy=runtime.policy,
    )
    commitment = commitments_service.register(
        session,
        runtime.policy,
        runtime.keys,
        commitments_service.CommitmentInput(
            str(firm.uscc), "主动型", "WL-SCJG", "守法经营", "本单位承诺守法经营。", dt.date(2026, 9, 1)
        ),
        actor="test",
    )
    village = rural_factories.village(session, runtime.keys, region=WENLING)
    household = rural_factories.household(
        session, runtime.keys, village.id, [(sf.next_ric(WENLING), "农户甲")]
    )
    session.commit()
    app.dependency_overrides[request_now] = lambda: dt.datetime(2026, 9, 30, 2, tzinfo=dt.UTC)
    case = client.post(
        "/api/v1/repairs",
        data={
            "record_id": str(penalty.id),
            "obligations_fulfilled": "true",
            "commitment_accepted": "true",
            "kinds": "performance_proof",
        },
        files=[("files", ("scan.png", PNG, "image/png"))],
        headers=self_h,
    )
    assert case.status_code == 201, case.text
    objection = client.post(
        "/api/v1/objections",
        json={
            "record_id": penalty.id,
            "ground": "wrong",
            "description": "不是本公司",
            "contact_name": "王五",
            "contact_phone": "13800000000",
        },
        headers=self_h,
    )
    assert objection.status_code == 201, objection.text
    check = client.post(
        "/api/v1/check", json={"code": firm.uscc, "scenario": "行政许可"}, headers=headers["officer_in"]
    )
    assert check.status_code == 200, check.text
    report = client.post("/api/v1/reports", json={"code": firm.uscc, "kind": "full"}, headers=self_h)
    assert report.status_code == 201, report.text
    rf.record(
        session, subject_id=firm.id, department_id=own.id, decision_on=dt.date(2026, 9, 20), severity="严重"
    )
    run_monitor(session, runtime.policy, on=dt.date(2026, 9, 30), actor="test", full=True)
    agency, practitioner = _agency(session, runtime)
    alert = session.scalar(select(Alert.id).where(Alert.subject_id == firm.id).order_by(Alert.id))
    assert alert is not None, "the world's penalty should raise an alert"
    session.commit()
    material = session.scalar(
        select(RepairMaterial.id)
        .where(RepairMaterial.repair_id == case.json()["id"])
        .order_by(RepairMaterial.id.desc())
    )
    params = {
        "code": str(firm.uscc),
        "record_id": str(penalty.id),
        "case_id": str(case.json()["id"]),
        "material_id": str(material),
        "objection_id": str(objection.json()["id"]),
        "message_id": "999999",
        "authorisation_id": str(grant.id),
        "list_type": "black",
        "source_id": "xzcf",
        "batch_id": "999999",
        "row_id": "999999",
        "run_id": str(run.id),
        "check_id": check.json()["check_id"],
        "kind": "penalties",
        "action": "accept",
        "name": "nothing.js",
        "number": report.json()["number"],
        "alert_id": str(alert),
        "application_id": "999999",
        "scene": "xinyizu",
        "job_id": "no-such-upload-job-0000",
        "campaign_id": "999999",
        "task_id": "999999",
        "simulation_id": "999999",
        "index": "gov-integrity-county",
        "key": "331081",
        "household_id": str(household.id),
        "agency_id": str(agency),
        "practitioner_id": str(practitioner),
        "licence_id": "999999",
        "post_id": "999999",
    }
    return {"headers": headers, "params": params, "commitment": commitment.code}


def _url(path: str, world: dict[str, Any]) -> str:
    params = dict(world["params"])
    if path.startswith("/api/v1/commitments/{code}"):
        params["code"] = world["commitment"]
    out = path.format(**params)
    if out == "/api/v1/subjects":
        out += "?q=测试"
    if out in ("/api/v1/finance/products", "/bank/subjects"):
        out += f"?code={params['code']}"
    if out.startswith(("/api/v1/indices/", "/console/indices/")):
        out += "?period=2026-10"
    return out


def _call(client: TestClient, method: str, path: str, world: dict[str, Any], role: str) -> int:
    url = _url(path, world)
    headers = world["headers"][role]
    if not path.startswith("/api/"):
        headers = {**headers, "Accept": "text/html"}
    if f"{method} {path}" in MULTIPART:
        return client.request(method, url, data={}, headers=headers, follow_redirects=False).status_code
    if method in ("POST", "PUT", "PATCH"):
        return client.request(method, url, json={}, headers=headers, follow_redirects=False).status_code
    return client.request(method, url, headers=headers, follow_redirects=False).status_code


def test_every_route_has_a_row(app: FastAPI) -> None:
    table = yaml.safe_load(TABLE.read_text("utf-8"))["routes"]
    routes = {f"{m} {p}" for m, p in _routes(app)}
    missing = sorted(routes - set(table))
    assert not missing, "这些路由没有授权矩阵行（tests/security/authz_matrix.yaml）：" + "、".join(missing)
    stale = sorted(set(table) - routes)
    assert not stale, "授权矩阵中有已不存在的路由：" + "、".join(stale)
    for route, row in table.items():
        assert set(row) == set(ROLES), f"{route} 须为每种身份写明预期结果"


def test_every_role_gets_the_expected_answer(
    client: TestClient, app: FastAPI, world: dict[str, Any], connection: Connection
) -> None:
    table = yaml.safe_load(TABLE.read_text("utf-8"))["routes"]
    observed: dict[str, dict[str, int]] = {}
    for method, path in _routes(app):
        row = observed.setdefault(f"{method} {path}", {})
        for role in ROLES:
            nested = connection.begin_nested()
            try:
                row[role] = _call(client, method, path, world, role)
            finally:
                nested.rollback()
    if draft := os.environ.get("XINYONG_AUTHZ_DRAFT"):
        Path(draft).write_text(
            yaml.safe_dump({"routes": observed}, allow_unicode=True, sort_keys=False, width=200)
        )
    wrong = [
        f"{route} {role}: 预期 {table[route][role]}，实际 {status}"
        for route, row in observed.items()
        if route in table
        for role, status in row.items()
        if table[route][role] != status
    ]
    assert not wrong, "\n".join(wrong)
