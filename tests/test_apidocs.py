"""The API documentation page works offline: every asset it loads is served by the app itself."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient


def test_docs_page_loads_only_local_assets(client: TestClient) -> None:
    page = client.get("/api/docs")
    assert page.status_code == 200
    refs = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert refs
    for ref in refs:
        assert ref.startswith("/"), f"external asset {ref}"
        assert client.get(ref).status_code == 200, ref
    assert "http" not in page.text
    schema = client.get("/api/docs/openapi.json").json()
    assert schema["openapi"] == "3.0.3"
    assert "/api/v1/subjects/{code}" in schema["paths"]
    assert client.get("/api/docs/assets/../../settings.py").status_code == 404


def test_openapi_lists_the_fixed_endpoints(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path in (
        "/api/v1/subjects",
        "/api/v1/subjects/{code}",
        "/api/v1/public/penalties",
        "/api/v1/public/licences",
        "/api/v1/public/lists/{list_type}",
        "/api/v1/auth/login",
        "/api/v1/me/queries",
    ):
        assert path in paths
