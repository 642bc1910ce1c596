"""信易+: a person's consented, time-limited token; organisations by code; positive use only; stats."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.factories import auth as fa
from tests.factories import evaluation as ev_factories
from tests.factories import subjects as fs
from xinyong.auth.models import QueryLog
from xinyong.auth.principal import Role
from xinyong.db import utcnow
from xinyong.evaluation import service as evaluation_service
from xinyong.runtime import Runtime
from xinyong.scenes.models import SceneToken

TODAY = dt.datetime.now(ZoneInfo("Asia/Shanghai")).date()


def _h(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def test_person_scene_only_with_the_persons_token(
    client: TestClient, session: Session, runtime: Runtime
) -> None:
    person = fs.person(session, runtime.keys, name="李四")
    me = _h(fa.api_key(session, Role.SUBJECT, subject_id=person.id))
    library = _h(fa.api_key(session, Role.BANK, organisation="台州市图书馆", institution_code="SP-TZTSG"))
    hospital = _h(fa.api_key(session, Role.BANK, organisation="台州市中心医院", institution_code="SP-TZYY"))
    mine = {s["id"]: s for s in client.get("/api/v1/scenes/mine", headers=me).json()}
    assert set(mine) == {"xinyixing", "xinyiyou", "xinyiyi", "xinyiyue"}  # personal scenes only
    assert mine["xinyiyue"]["eligible"] is True  # a person with no record: 650 (信用良好)
    assert "650 分（信用良好）" in mine["xinyiyue"]["detail"]
    assert mine["xinyiyou"]["eligible"] is False  # 须信用优秀

    from xinyong.subjects.service import reveal_id_card

    id_card = reveal_id_card(runtime.keys, person)
    by_code = client.post("/api/v1/scenes/xinyiyue/eligibility", json={"code": id_card}, headers=library)
    assert (by_code.status_code, by_code.json()["code"]) == (403, "scene.token_required")

    token = client.post("/api/v1/scenes/xinyiyue/tokens", headers=me)
    assert token.status_code == 201, token.text
    clear = token.json()["token"]
    assert token.json()["provider_name"] == "台州市图书馆"
    wrong_provider = client.post(
        "/api/v1/scenes/xinyiyue/eligibility", json={"token": clear}, headers=hospital
    )
    assert wrong_provider.json()["code"] == "scene.not_provider"
    ok = client.post("/api/v1/scenes/xinyiyue/eligibility", json={"token": clear}, headers=library).json()
    assert ok["eligible"] is True
    assert "免押金" in ok["benefit"]
    assert "650" not in ok["reason"]  # the provider learns the benefit, never the score
    used = client.post(
        "/api/v1/scenes/xinyiyue/usage",
        json={"token": clear, "benefit": "免押金借阅", "value_yuan": 100, "used_on": str(TODAY)},
        headers=library,
    )
    assert used.status_code == 201, used.text
    log = session.scalars(select(QueryLog).where(QueryLog.subject_id == person.id)).all()
    assert {(q.what, q.basis, q.organisation) for q in log} == {
        ("scene_eligibility", "authorisation", "台州市图书馆")
    }

    row = session.scalar(select(SceneToken).where(SceneToken.subject_id == person.id))
    assert row is not None
    row.expires_at = utcnow() - dt.timedelta(seconds=1)
    session.flush()
    expired = client.post("/api/v1/scenes/xinyiyue/eligibility", json={"token": clear}, headers=library)
    assert (expired.status_code, expired.json()["code"]) == (403, "scene.bad_token")

    admin = _h(fa.api_key(session, Role.ADMIN))
    stats = {s["scene"]: s for s in client.get("/api/v1/scenes/statistics", headers=admin).json()}
    assert stats["xinyiyue"] == {
        "scene": "xinyiyue",
        "scene_name": "信易阅",
        "usages": 1,
        "subjects": 1,
        "value_yuan": 100,
    }
    assert stats["xinyiyi"]["usages"] == 0


def test_organisation_scene_by_code_positive_use_only(
    client: TestClient, session: Session, runtime: Runtime
) -> None:
    young = fs.enterprise(session, runtime.keys, established_on=dt.date(2015, 1, 1))
    dept = fs.department(session)
    ev_factories.record(session, young, dept.id, "xzcf", TODAY - dt.timedelta(days=100))  # one penalty: 中等
    old = fs.enterprise(session, runtime.keys, established_on=dt.date(2015, 1, 1))
    evaluation_service.run_evaluation(session, runtime.policy, TODAY, actor="test")
    leasing = _h(
        fa.api_key(session, Role.BANK, organisation="台州融资租赁有限公司", institution_code="SP-TZZL")
    )
    answers = {}
    for firm in (young, old):
        resp = client.post("/api/v1/scenes/xinyizu/eligibility", json={"code": firm.uscc}, headers=leasing)
        assert resp.status_code == 200, resp.text
        answers[firm.id] = resp.json()
    assert answers[old.id]["eligible"] is True
    refused = answers[young.id]  # a penalised firm is 中等: no benefit, served as usual, no grade disclosed
    assert (refused["eligible"], refused["benefit"]) == (False, None)
    assert "照常办理" in refused["reason"]
    assert "中等" not in refused["reason"]
    logged = session.scalars(select(QueryLog.basis).where(QueryLog.subject_id == old.id)).all()
    assert logged == ["incentive"]
    bad = client.post(
        "/api/v1/scenes/xinyizu/usage",
        json={"code": old.uscc, "benefit": "免押金", "used_on": str(TODAY + dt.timedelta(days=2))},
        headers=leasing,
    )
    assert bad.json()["code"] == "scene.future_use"
    assert (
        client.post("/api/v1/scenes/nosuch/eligibility", json={"code": old.uscc}, headers=leasing).status_code
        == 404
    )
