"""ID numbers need not travel in URLs (issue 16 finding 6): a POST exchanges one for a token."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.factories import auth as fa
from tests.factories.subjects import next_ric, person
from xinyong.auth.principal import Role
from xinyong.runtime import Runtime


def test_token_stands_for_the_id_number_in_urls(
    client: TestClient, session: Session, runtime: Runtime
) -> None:
    ric = next_ric()
    someone = person(session, runtime.keys, name="王小明", id_card=ric)
    key = fa.api_key(session, Role.ADMIN)
    session.commit()
    h = {"Authorization": f"Bearer {key}"}
    assert client.post("/api/v1/subjects/code-token", json={"code": ric}).status_code == 401
    r = client.post("/api/v1/subjects/code-token", json={"code": ric}, headers=h)
    assert r.status_code == 200
    token = r.json()["token"]
    assert token.startswith("bi_")
    assert ric not in token
    file = client.get(f"/api/v1/subjects/{token}", headers=h)
    assert file.status_code == 200, file.text
    assert file.json()["basics"]["name"] == someone.name
    assert ric not in file.text
    found = client.get("/api/v1/subjects", params={"q": token}, headers=h).json()
    assert [i["name"] for i in found["items"]] == ["王小明"]
    # a number nobody holds gets a token too (no existence oracle), which finds nothing
    other = client.post("/api/v1/subjects/code-token", json={"code": next_ric()}, headers=h).json()["token"]
    assert client.get(f"/api/v1/subjects/{other}", headers=h).status_code == 404
    assert client.get("/api/v1/subjects/bi_zz", headers=h).status_code == 404
