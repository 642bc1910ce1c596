"""Repair materials are judged by their content, limited in size, and served inert (finding 1 of issue 16)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.repair.conftest import World, at
from xinyong.repair.models import RepairMaterial

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
HTML = b"<html><script>fetch('/api/v1/repairs/1/accept',{method:'POST'})</script></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'


def _apply(client: TestClient, w: World, name: str, data: bytes, content_type: str) -> dict:
    r = client.post(
        "/api/v1/repairs",
        data={
            "record_id": str(w.penalty.id),
            "obligations_fulfilled": "true",
            "commitment_accepted": "true",
            "kinds": "performance_proof",
        },
        files=[("files", (name, data, content_type))],
        headers=w.subject_h,
    )
    return {"status": r.status_code, **r.json()}


def test_html_and_svg_are_refused_whatever_the_header(
    client: TestClient, world: World, set_clock: Callable
) -> None:
    set_clock(at(dt.date(2026, 9, 30)))
    for name, data, declared in (
        ("proof.pdf", HTML, "application/pdf"),
        ("proof.html", HTML, "text/html"),
        ("proof.svg", SVG, "image/svg+xml"),
        ("proof.png", SVG, "image/png"),
    ):
        body = _apply(client, world, name, data, declared)
        assert body["status"] == 422, (name, body)
        assert body["code"] == "repair.material_type"


def test_type_is_taken_from_content_not_from_the_client(
    client: TestClient, world: World, set_clock: Callable, session: Session
) -> None:
    set_clock(at(dt.date(2026, 9, 30)))
    case = _apply(client, world, "scan", PNG, "text/html")
    assert case["status"] == 201, case
    proof = next(m for m in case["materials"] if m["kind"] == "performance_proof")
    assert proof["content_type"] == "image/png"
    r = client.get(f"/api/v1/repairs/{case['id']}/materials/{proof['id']}", headers=world.officer_h)
    assert r.status_code == 200
    assert r.headers["content-type"] == "image/png"
    assert r.headers["content-disposition"].startswith("attachment;")
    assert "scan.png" in r.headers["content-disposition"]
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["content-security-policy"] == "default-src 'none'; sandbox"
    # the console's preview of an image: inline, still inert
    r = client.get(
        f"/api/v1/repairs/{case['id']}/materials/{proof['id']}?preview=true", headers=world.officer_h
    )
    assert r.status_code == 200
    assert r.headers["content-disposition"].startswith("inline;")
    assert r.headers["content-security-policy"] == "default-src 'none'; sandbox"


def test_a_stored_html_material_is_never_served_as_html(
    client: TestClient, world: World, set_clock: Callable, session: Session
) -> None:
    """A row stored before formats were checked (client type kept) still downloads inert."""
    set_clock(at(dt.date(2026, 9, 30)))
    case = _apply(client, world, "proof.pdf", PDF, "application/pdf")
    assert case["status"] == 201, case
    row = session.scalar(select(RepairMaterial).where(RepairMaterial.repair_id == case["id"]).limit(1))
    assert row is not None
    # a material as the old code kept it: HTML bytes with the client's text/html
    from xinyong.repair import storage

    stored = storage.store(client.app.state.runtime.settings.var_dir, HTML, max_bytes=10**6)  # type: ignore[attr-defined]
    row.stored_path, row.sha256, row.content_type = stored.relpath, stored.sha256, "text/html"
    session.commit()
    r = client.get(f"/api/v1/repairs/{case['id']}/materials/{row.id}", headers=world.officer_h)
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/octet-stream"
    assert r.headers["content-disposition"].startswith("attachment;")
    assert r.headers["content-security-policy"] == "default-src 'none'; sandbox"
    r = client.get(f"/api/v1/repairs/{case['id']}/materials/{row.id}?preview=true", headers=world.officer_h)
    assert r.status_code == 404


def test_size_limit_comes_from_the_workflow(
    client: TestClient, world: World, set_clock: Callable, policy
) -> None:
    from xinyong.repair.workflows import workflows

    set_clock(at(dt.date(2026, 9, 30)))
    limit = workflows(policy).repair.material_max_bytes
    body = _apply(client, world, "big.pdf", PDF + b"0" * limit, "application/pdf")
    assert body["status"] == 422
    assert body["code"] == "repair.material_too_large"
