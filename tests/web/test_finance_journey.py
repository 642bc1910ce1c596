"""The issue's “Done when” journey, through the pages and the API as the demo sets them up.

The demo company grants 台州银行 (picked from the register's list) a 90-day consent; the bank signs in,
sees the matching products with their reasons, requests a full report; the company sees that read in
谁查询了我; the demo person sees its own score and which 信易+ scenes it qualifies for.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.factories import subjects as fs
from tests.web.conftest import HTML, form_token, sign_in
from xinyong.auth.demo import create_demo_accounts
from xinyong.departments import service as departments_service
from xinyong.evaluation import service as evaluation_service
from xinyong.finance.demo import seed_finance
from xinyong.finance.models import LoanApplication
from xinyong.runtime import Runtime
from xinyong.scenes.models import SceneUsage


def test_demo_journey(client: TestClient, session: Session, runtime: Runtime, tmp_path: Path) -> None:
    today = runtime.today()
    departments_service.sync_from_policy(session, runtime.policy, actor="test", on=dt.date(2026, 1, 1))
    company = fs.enterprise(
        session,
        runtime.keys,
        name="台州市宏达阀门有限公司",
        region_code="331081",
        industry="泵及真空设备制造",
        established_on=dt.date(2012, 5, 1),
    )
    for n in range(3):
        fs.enterprise(session, runtime.keys, region_code="331002", established_on=dt.date(2014 + n, 1, 1))
    fs.person(session, runtime.keys, name="王五")
    fs.person(session, runtime.keys, name="赵六")
    evaluation_service.run_evaluation(session, runtime.policy, today, actor="test")
    session.commit()
    create_demo_accounts(runtime, tmp_path)
    assert "信易贷" in seed_finance(runtime, tmp_path)[0]
    assert session.scalar(select(func.count()).select_from(LoanApplication)) == 3
    assert session.scalar(select(func.count()).select_from(SceneUsage))
    accounts = {
        a["username"]: a
        for a in json.loads((runtime.settings.var_dir / "demo-accounts.json").read_text("utf-8"))["accounts"]
    }
    assert accounts["bank"]["subject"] == "台州银行信贷员"

    # 1. the company picks 台州银行 from the list and grants 90 days, with the score
    sign_in(client, "company", accounts["company"]["password"])
    page = client.get("/me/authorisations", headers=HTML)
    assert '<option value="BK-TZYH">台州银行（银行）</option>' in page.text
    granted = client.post(
        "/me/authorisations",
        data={
            "csrf_token": form_token(page.text),
            "institution": "BK-TZYH",
            "purpose": "流动资金贷款审批",
            "sections": ["行政管理", "严重失信", "经营异常"],
            "score": "true",
            "valid_from": today.isoformat(),
            "valid_to": (today + dt.timedelta(days=90)).isoformat(),
        },
        headers=HTML,
    )
    assert granted.status_code == 200, granted.text
    assert "有效" in granted.text
    client.post("/logout", data={"csrf_token": form_token(granted.text)}, headers=HTML)
    client.cookies.clear()

    # 2. the bank signs in, lands on its workspace, sees products with reasons, asks for a full report
    page = client.get("/login", headers=HTML)
    landed = client.post(
        "/login",
        data={
            "username": "bank",
            "password": accounts["bank"]["password"],
            "csrf_token": form_token(page.text),
        },
        headers=HTML,
        follow_redirects=False,
    )
    assert landed.headers["location"] == "/bank"
    assert client.get("/bank", headers=HTML).status_code == 200
    view = client.get("/bank/subjects", params={"code": company.uscc}, headers=HTML)
    assert view.status_code == 200, view.text
    assert "信易贷产品匹配" in view.text
    assert 'data-product="tzyh-xiaowei-kuaidai"' in view.text
    assert "须成立满 2 年：已成立" in view.text
    assert "行政管理、严重失信、经营异常" in view.text
    report = client.post(
        "/console/reports",
        data={
            "csrf_token": form_token(view.text),
            "code": company.uscc,
            "kind": "full",
            "purpose": "贷款审批",
        },
        headers=HTML,
        follow_redirects=False,
    )
    assert report.status_code == 303, report.text
    assert report.headers["location"].endswith(".pdf")
    stranger = client.get("/bank/subjects", params={"code": fs.next_uscc()}, headers=HTML)
    assert "未找到该主体对本机构的有效授权" in stranger.text
    client.cookies.clear()

    # 3. the company sees the bank's reads in 谁查询了我
    sign_in(client, "company", accounts["company"]["password"])
    who = client.get("/me/queries", headers=HTML)
    assert "台州银行" in who.text
    client.cookies.clear()

    # 4. the demo person sees its own score (its own scale) and the scenes it qualifies for
    sign_in(client, "person", accounts["person"]["password"])
    mine = client.get("/me", headers=HTML)
    assert "我的公共信用评价" in mine.text
    assert "信用良好" in mine.text
    assert 'data-scene="xinyiyue"' in mine.text
    assert "可享受" in mine.text
