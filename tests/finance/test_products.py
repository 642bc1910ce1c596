"""信易贷 matching with a reason per criterion, and the application workflow seen by subject and bank."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.factories import auth as fa
from tests.factories import subjects as fs
from xinyong.audit.models import AuditEvent
from xinyong.auth import consent
from xinyong.auth.principal import Principal, Role
from xinyong.evaluation import service as evaluation_service
from xinyong.finance import matching
from xinyong.finance.matching import Facts, GradeFact, Verdict
from xinyong.finance.products import grade_order
from xinyong.finance.rules import products_of
from xinyong.policy.loader import Policy
from xinyong.runtime import Runtime

TODAY = dt.datetime.now(ZoneInfo("Asia/Shanghai")).date()


def _facts(**kw: object) -> Facts:
    base: dict[str, object] = {
        "kind": "企业法人",
        "industry": "通用设备制造业",
        "region_code": "331081",
        "established_on": dt.date(2015, 1, 1),
        "grade": GradeFact("tz-enterprise", "良好"),
        "listed": False,
    }
    return Facts(**{**base, **kw})  # type: ignore[arg-type]


def _answer(policy: Policy, product_id: str, facts: Facts) -> dict[str, Verdict]:
    product = products_of(policy).get(product_id)
    assert product is not None
    names = {r.code: r.name for r in policy.regions.regions}
    return {
        c.code: c.verdict
        for c in matching.match(product, facts, dt.date(2026, 6, 1), grade_order(policy), names)
    }


def test_each_criterion_answers_met_not_met_or_unknown(policy: Policy) -> None:
    good = _answer(policy, "tzyh-xiaowei-kuaidai", _facts())
    assert set(good.values()) == {Verdict.MET}
    assert (
        _answer(policy, "tzyh-xiaowei-kuaidai", _facts(grade=GradeFact("tz-enterprise", "中等")))["grade"]
        == Verdict.NOT_MET
    )
    hidden = _answer(
        policy, "tzyh-xiaowei-kuaidai", _facts(grade=GradeFact("tz-enterprise", "优秀", visible=False))
    )
    assert hidden["grade"] == Verdict.UNKNOWN
    assert _answer(policy, "tzyh-xiaowei-kuaidai", _facts(grade=None))["grade"] == Verdict.UNKNOWN
    assert _answer(policy, "tzyh-xiaowei-kuaidai", _facts(listed=True))["no_list"] == Verdict.NOT_MET
    assert _answer(policy, "tzyh-xiaowei-kuaidai", _facts(industry="房地产业"))["industry"] == Verdict.NOT_MET
    young = _answer(policy, "tzyh-xiaowei-kuaidai", _facts(established_on=dt.date(2025, 6, 2)))
    assert young["years"] == Verdict.NOT_MET
    assert _answer(policy, "tzyh-zhizao-xindai", _facts(industry="批发业"))["industry"] == Verdict.NOT_MET
    assert _answer(policy, "wlns-wenling-chuangye", _facts(region_code="331002"))["region"] == Verdict.NOT_MET
    assert _answer(policy, "wlns-wenling-chuangye", _facts(region_code=None))["region"] == Verdict.UNKNOWN
    assert _answer(policy, "tlyh-getihu-daibao", _facts())["subject_kind"] == Verdict.NOT_MET


def _world(session: Session, runtime: Runtime) -> tuple[str, int, dict[str, str]]:
    firm = fs.enterprise(
        session,
        runtime.keys,
        name="台州市精工泵业有限公司",
        uscc=fs.next_uscc("331081"),
        region_code="331081",
        industry="泵及真空设备制造",
        established_on=dt.date(2015, 1, 1),
    )
    evaluation_service.run_evaluation(session, runtime.policy, TODAY, actor="test")
    bank = fa.api_key(session, Role.BANK, organisation="台州银行", institution_code="BK-TZYH")
    assert firm.uscc is not None
    return firm.uscc, firm.id, {"Authorization": f"Bearer {bank}"}


def test_bank_matches_with_consent_and_follows_an_application(
    client: TestClient, session: Session, runtime: Runtime
) -> None:
    uscc, firm_id, bank = _world(session, runtime)
    assert client.get("/api/v1/finance/products", params={"code": uscc}, headers=bank).status_code == 403
    owner = Principal(role=Role.SUBJECT, username="jg", subject_id=firm_id)
    consent.grant(
        session,
        owner,
        grantee_code="BK-TZYH",
        grantee_name="台州银行",
        purpose="信易贷",
        sections=["行政管理"],
        score=False,
        valid_from=TODAY,
        valid_to=TODAY + dt.timedelta(days=90),
        policy=runtime.policy,
    )
    body = client.get("/api/v1/finance/products", params={"code": uscc}, headers=bank).json()
    assert body["score_authorised"] is False
    quick = next(p for p in body["products"] if p["id"] == "tzyh-xiaowei-kuaidai")
    grade = next(c for c in quick["criteria"] if c["code"] == "grade")
    assert (grade["verdict"], grade["verdict_label"]) == ("unknown", "无法判断")
    assert "未授权查询信用评分" in grade["reason"]
    wenling = next(p for p in body["products"] if p["id"] == "wlns-wenling-chuangye")
    assert wenling["verdict"] == "met"
    assert all(c["verdict_label"] == "符合" for c in wenling["criteria"])

    resp = client.post(
        "/api/v1/finance/applications",
        json={"code": uscc, "product_id": "tzyh-xiaowei-kuaidai", "amount_yuan": 500_000, "term_months": 12},
        headers=bank,
    )
    assert resp.status_code == 201, resp.text
    app_id = resp.json()["id"]
    assert resp.json()["status_label"] == "已提交"
    too_big = client.post(
        "/api/v1/finance/applications",
        json={
            "code": uscc,
            "product_id": "tzyh-xiaowei-kuaidai",
            "amount_yuan": 9_000_000,
            "term_months": 12,
        },
        headers=bank,
    )
    assert too_big.json()["code"] == "application.bad_amount"
    decide = f"/api/v1/finance/applications/{app_id}/decision"
    assert (
        client.post(decide, json={"action": "grant"}, headers=bank).json()["code"]
        == "application.bad_transition"
    )
    assert client.post(decide, json={"action": "accept"}, headers=bank).json()["status_label"] == "已受理"
    no_reason = client.post(decide, json={"action": "reject"}, headers=bank)
    assert (no_reason.status_code, no_reason.json()["code"]) == (422, "application.reason_required")
    other = {"Authorization": "Bearer " + fa.api_key(session, Role.BANK, institution_code="BK-TLYH")}
    assert client.post(decide, json={"action": "grant"}, headers=other).status_code == 404
    granted = client.post(decide, json={"action": "grant", "granted_yuan": 400_000}, headers=bank).json()
    assert (granted["status"], granted["granted_yuan"]) == ("granted", 400_000)
    assert [s["status_label"] for s in granted["steps"]] == ["已提交", "已受理", "已放款"]

    own = {"Authorization": "Bearer " + fa.api_key(session, Role.SUBJECT, subject_id=firm_id)}
    seen = client.get(f"/api/v1/finance/applications/{app_id}", headers=own).json()
    assert seen["status_label"] == "已放款"
    assert client.get(f"/api/v1/finance/applications/{app_id}", headers=other).status_code == 404
    actions = session.scalars(
        select(AuditEvent.action).where(AuditEvent.object_type == "loan_application")
    ).all()
    assert actions == [
        "finance.application.submitted",
        "finance.application.accepted",
        "finance.application.granted",
    ]

    admin = {"Authorization": "Bearer " + fa.api_key(session, Role.ADMIN)}
    stats = client.get("/api/v1/finance/statistics", headers=admin).json()
    assert stats["total"] == {"key": "合计", "applications": 1, "granted": 1, "granted_yuan": 400_000}
    assert stats["by_county"][0]["key"] == "温岭市"
    assert stats["by_industry"][0]["key"] == "泵及真空设备制造"
    assert stats["by_grade"][0]["key"] in {"优秀", "良好", "中等", "较差"}
    assert client.get("/api/v1/finance/statistics", headers=bank).status_code == 403


def test_rural_products_match_their_kinds(policy: Policy) -> None:
    """Issue 19 point 6: the catalogue has products for 家庭农场, 农民专业合作社 and 农户, matched as data."""
    farm = _facts(kind="家庭农场", industry="农业", grade=GradeFact("tz-enterprise", "良好"))
    assert set(_answer(policy, "tzyh-xiangcun-zhenxing", farm).values()) == {Verdict.MET}
    coop = _facts(kind="农民专业合作社", industry="农业", grade=GradeFact("tz-enterprise", "中等"))
    assert _answer(policy, "tzyh-xiangcun-zhenxing", coop)["grade"] == Verdict.NOT_MET
    assert set(_answer(policy, "wlns-xinxing-nongye", coop).values()) == {Verdict.MET}
    assert _answer(policy, "wlns-xinxing-nongye", _facts(kind="家庭农场", region_code="331082"))[
        "region"
    ] == (Verdict.NOT_MET)
    household = _facts(kind="农户", industry=None, established_on=None, grade=None)
    assert set(_answer(policy, "wlns-nonghu-xinyongdai", household).values()) == {Verdict.MET}
    assert _answer(policy, "wlns-nonghu-xinyongdai", _facts())["subject_kind"] == Verdict.NOT_MET
    assert _answer(policy, "tzyh-xiaowei-kuaidai", household)["subject_kind"] == Verdict.NOT_MET


def test_the_grade_reason_names_the_model_in_chinese(policy: Policy) -> None:
    product = products_of(policy).get("tzyh-xiaowei-kuaidai")
    assert product is not None
    found = matching.match(product, _facts(), dt.date(2026, 6, 1), grade_order(policy), {})
    reason = next(c.reason for c in found if c.code == "grade")
    assert reason.startswith("台州市企业公共信用评价模型评价等级达到“良好”")
    assert "tz-enterprise" not in reason
