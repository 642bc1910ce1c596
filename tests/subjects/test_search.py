"""Search: exact by code, name fragments of two and more characters, viewer filtering, caps and pages."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.factories import auth as fa
from tests.factories import subjects as fs
from tests.fixtures.migrated import migrated_sqlite
from xinyong.auth.models import QueryLog
from xinyong.auth.principal import ANONYMOUS, Role
from xinyong.runtime import Runtime
from xinyong.settings import Settings
from xinyong.subjects import queries


def _names(resp: object) -> list[str]:
    return [h["name"] for h in resp.json()["items"]]  # type: ignore[attr-defined]


def test_exact_code_and_name_fragments(client: TestClient, session: Session, runtime: Runtime) -> None:
    a = fs.enterprise(session, runtime.keys, name="台州市宏达阀门有限公司")
    fs.enterprise(session, runtime.keys, name="宏达")
    fs.enterprise(session, runtime.keys, name="玉环宏达机械厂")
    fs.enterprise(session, runtime.keys, name="温岭市东海塑料有限公司")
    resp = client.get("/api/v1/subjects", params={"q": a.uscc})
    assert resp.json()["mode"] == "code"
    assert _names(resp) == ["台州市宏达阀门有限公司"]
    two = client.get("/api/v1/subjects", params={"q": "宏达"})
    assert two.status_code == 200, two.text
    assert _names(two) == ["宏达", "玉环宏达机械厂", "台州市宏达阀门有限公司"]  # exact, then shorter names
    three = client.get("/api/v1/subjects", params={"q": "宏达阀"})
    assert _names(three) == ["台州市宏达阀门有限公司"]
    assert _names(client.get("/api/v1/subjects", params={"q": "东海塑料有限"})) == ["温岭市东海塑料有限公司"]
    assert _names(client.get("/api/v1/subjects", params={"q": "不存在的公司"})) == []


def test_fullwidth_and_brackets_normalised(client: TestClient, session: Session, runtime: Runtime) -> None:
    fs.enterprise(session, runtime.keys, name="台州市海天电子有限公司（玉环分公司）")
    assert _names(client.get("/api/v1/subjects", params={"q": "有限公司(玉环"})) == [
        "台州市海天电子有限公司（玉环分公司）"
    ]


def test_two_character_query_at_end_of_name(client: TestClient, session: Session, runtime: Runtime) -> None:
    fs.enterprise(session, runtime.keys, name="椒江区鸿运")
    assert _names(client.get("/api/v1/subjects", params={"q": "鸿运"})) == ["椒江区鸿运"]


def test_one_character_refused(client: TestClient) -> None:
    resp = client.get("/api/v1/subjects", params={"q": "宏"})
    assert resp.status_code == 422
    assert resp.json()["code"] == "search.too_short"


def test_persons_only_for_government(client: TestClient, session: Session, runtime: Runtime) -> None:
    ric = fs.next_ric()
    fs.person(session, runtime.keys, name="王宏达", id_card=ric)
    assert _names(client.get("/api/v1/subjects", params={"q": "宏达"})) == []
    assert _names(client.get("/api/v1/subjects", params={"q": ric})) == []
    key = fa.api_key(session, Role.SYSTEM)
    headers = {"Authorization": f"Bearer {key}"}
    body = client.get("/api/v1/subjects", params={"q": "宏达"}, headers=headers).json()
    assert [h["name"] for h in body["items"]] == ["王宏达"]
    assert body["items"][0]["id_masked"].startswith(ric[:6])
    assert body["items"][0]["code"] is None
    assert ric not in str(body)
    logged = session.scalars(select(QueryLog).where(QueryLog.what == "search_hit")).all()
    assert len(logged) == 1
    assert logged[0].actor.startswith("system:")


def test_capped_and_paginated(
    client: TestClient, session: Session, runtime: Runtime, monkeypatch: object
) -> None:
    from xinyong.subjects import search

    monkeypatch.setattr(search, "SEARCH_CAP", 5)  # type: ignore[attr-defined]
    for i in range(8):
        fs.enterprise(session, runtime.keys, name=f"台州市测试有限公司{i:02d}")
    first = client.get("/api/v1/subjects", params={"q": "测试有限", "size": 3}).json()
    assert first["capped"] is True
    assert first["total"] == 5
    second = client.get("/api/v1/subjects", params={"q": "测试有限", "size": 3, "page": 2}).json()
    assert len(first["items"]) == 3
    assert len(second["items"]) == 2
    assert not {h["name"] for h in first["items"]} & {h["name"] for h in second["items"]}


def test_renamed_subject_found_by_new_name(session: Session, runtime: Runtime) -> None:
    s = fs.enterprise(session, runtime.keys, name="台州市旧名称有限公司")
    s.name, s.name_norm = "台州市新名称有限公司", "台州市新名称有限公司"
    session.flush()
    ids = [h.id for h in queries.find_by_name(session, "新名称", include_persons=False, cap=10)[0]]
    assert ids == [s.id]
    assert queries.find_by_name(session, "旧名称", include_persons=False, cap=10)[0] == []


def test_bulk_load_with_index_paused(session: Session, runtime: Runtime) -> None:
    with queries.name_index_paused(session):
        for i in range(3):
            fs.enterprise(session, runtime.keys, name=f"台州市批量装载{i}有限公司")
    found = queries.find_by_name(session, "批量装载", include_persons=False, cap=10)[0]
    assert len(found) == 3
    assert len(queries.find_by_name(session, "批量", include_persons=False, cap=10)[0]) == 3
    fs.enterprise(session, runtime.keys, name="台州市批量之后有限公司")  # the trigger is back
    assert len(queries.find_by_name(session, "批量之后", include_persons=False, cap=10)[0]) == 1


def test_exact_name_ranks_first_even_past_the_cap(
    client: TestClient, session: Session, runtime: Runtime, monkeypatch: object
) -> None:
    from xinyong.subjects import search

    monkeypatch.setattr(search, "SEARCH_CAP", 3)  # type: ignore[attr-defined]
    for i in range(6):
        fs.enterprise(session, runtime.keys, name=f"台州市精工{i}有限公司")
    fs.enterprise(session, runtime.keys, name="精工")
    assert _names(client.get("/api/v1/subjects", params={"q": "精工"}))[0] == "精工"


def test_search_with_control_characters_is_not_an_error(client: TestClient) -> None:
    resp = client.get("/api/v1/subjects", params={"q": "0\x00"})
    assert resp.status_code < 500


def test_page_past_the_results_keeps_the_total(
    client: TestClient, session: Session, runtime: Runtime, monkeypatch: object
) -> None:
    from xinyong.subjects import search

    monkeypatch.setattr(search, "SEARCH_CAP", 4)  # type: ignore[attr-defined]
    for i in range(6):
        fs.enterprise(session, runtime.keys, name=f"台州市翻页{i}五金厂")
    last = client.get("/api/v1/subjects", params={"q": "翻页", "size": 3, "page": 2}).json()
    assert [h["name"] for h in last["items"]] == ["台州市翻页3五金厂"]  # the cap cuts the second page
    past = client.get("/api/v1/subjects", params={"q": "翻页", "size": 3, "page": 5}).json()
    assert past["items"] == []
    assert (past["total"], past["capped"]) == (4, True)


def test_person_found_by_code_only_by_government_and_logged(
    client: TestClient, session: Session, runtime: Runtime
) -> None:
    ric = fs.next_ric()
    fs.person(session, runtime.keys, name="李编码", id_card=ric)
    key = fa.api_key(session, Role.SYSTEM)
    body = client.get(
        "/api/v1/subjects", params={"q": ric}, headers={"Authorization": f"Bearer {key}"}
    ).json()
    assert [(h["name"], h["code"]) for h in body["items"]] == [("李编码", None)]
    assert body["items"][0]["id_masked"].startswith(ric[:6])
    assert ric not in str(body["items"])  # the query is echoed back to its caller, the hit is masked
    logged = session.scalars(select(QueryLog).where(QueryLog.what == "search_hit")).all()
    assert len(logged) == 1
    anonymous = client.get("/api/v1/subjects", params={"q": ric}).json()
    assert (anonymous["items"], anonymous["total"]) == ([], 0)


def test_organisation_by_code_carries_region_name(
    client: TestClient, session: Session, runtime: Runtime
) -> None:
    a = fs.enterprise(session, runtime.keys, name="台州市区划测试有限公司")
    body = client.get("/api/v1/subjects", params={"q": a.uscc}).json()
    assert body["items"][0]["code"] == a.uscc
    assert body["items"][0]["id_masked"] is None
    if a.region_code:
        assert body["items"][0]["region_name"] == runtime.policy.region_name(a.region_code)


def test_public_reader_on_a_runtime_of_its_own(settings: Settings, tmp_path: Path) -> None:
    """Outside the tests' shared transaction the reader is a pooled driver connection, handed back after."""
    from xinyong.db import session_scope
    from xinyong.subjects import search
    from xinyong.subjects.queries import Reader

    if not settings.is_sqlite:
        pytest.skip(
            "a private SQLite file; the PostgreSQL run covers the reader through the shared connection"
        )
    url = migrated_sqlite(tmp_path / "own.sqlite3")
    rt = Runtime.build(settings.model_copy(update={"database_url": url}))
    with session_scope(rt.sessions) as session:
        fs.enterprise(session, rt.keys, name="台州市读者测试有限公司")
        fs.person(session, rt.keys, name="王读者")
    with rt.reader() as conn:
        page = search.search(Reader(conn, "sqlite"), rt.keys, rt.policy, ANONYMOUS, "读者", on=rt.today())
    assert [h.name for h in page.items] == ["台州市读者测试有限公司"]  # never the person
    assert rt.engine.pool.checkedout() == 0  # type: ignore[attr-defined]
    rt.engine.dispose()
