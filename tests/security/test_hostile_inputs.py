"""Hostile inputs answer a clear Chinese error with a stable code, never a server error (issue 16, finding 8)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.factories import auth as fa
from tests.factories import sanctions as fsan
from tests.factories import subjects as fs
from xinyong.auth.principal import Role
from xinyong.runtime import Runtime


def _raw(client: TestClient, path: str, body: bytes, **headers: str) -> tuple[int, dict[str, object]]:
    resp = client.post(path, content=body, headers={"Content-Type": "application/json", **headers})
    return resp.status_code, resp.json()


def test_nan_infinity_and_lone_surrogates_in_json_are_refused(client: TestClient) -> None:
    for body in (
        b'{"username": NaN, "password": "x"}',
        b'{"username": "a", "password": Infinity}',
        b'{"username": "a", "password": -Infinity}',
        b'{"username": "\\ud800", "password": "x"}',
        b'{"username": "a", "password": "\\udfff\\u0041"}',
        b'{"username": "a", "password": "x", "extra": [1, NaN]}',
    ):
        status, data = _raw(client, "/api/v1/auth/login", body)
        assert status == 422, (body, data)
        assert data["code"] == "request.json_invalid", body
        assert "JSON" in str(data["message"])


def test_valid_surrogate_pairs_still_pass(client: TestClient) -> None:
    status, data = _raw(client, "/api/v1/auth/login", b'{"username": "\\ud83d\\ude00", "password": "x"}')
    assert status == 401, data


def test_far_dates_are_refused_at_the_schema(client: TestClient, session: Session, runtime: Runtime) -> None:
    company = fs.enterprise(session, runtime.keys)
    acct = fa.account(session, Role.SUBJECT, subject_id=company.id)
    csrf = fa.login(client, acct)
    for start, end in (
        ("9999-06-01", "9999-12-31"),
        ("2026-01-01", "9999-12-31"),
        ("0001-01-01", "0001-06-01"),
    ):
        body = {"institution_code": "BK-TZYH", "purpose": "贷款", "valid_from": start, "valid_to": end}
        resp = client.post("/api/v1/me/authorisations", json=body, headers={"X-CSRF-Token": csrf})
        assert resp.status_code == 422, resp.text
        assert resp.json()["code"] == "request.invalid"
        assert "超出允许范围" in resp.json()["message"]
    admin = fa.account(session, Role.ADMIN)
    client.cookies.clear()
    fa.login(client, admin)
    resp = client.get(f"/api/v1/subjects/{company.uscc}", params={"on": "9999-12-31"})
    assert resp.status_code == 422, resp.text
    assert "超出允许范围" in resp.json()["message"]
    key, _ = fsan.api_key(session)
    client.cookies.clear()
    for on in ("9999-12-31", "9999-11-30", "0001-01-01"):
        resp = client.post(
            "/api/v1/check",
            json={"code": company.uscc, "scenario": "政府采购", "on": on},
            headers={"Authorization": f"Bearer {key}"},
        )
        assert resp.status_code == 422, resp.text
        assert "超出允许范围" in resp.text


def _dates_in(schema: Any, components: dict[str, Any], seen: set[str]) -> list[dict[str, Any]]:
    """Every date-format schema reachable from ``schema`` (following $refs once)."""
    out: list[dict[str, Any]] = []
    if isinstance(schema, dict):
        ref = schema.get("$ref")
        if isinstance(ref, str):
            name = ref.rsplit("/", 1)[-1]
            if name not in seen and name in components:
                seen.add(name)
                out += _dates_in(components[name], components, seen)
        if schema.get("format") == "date":
            out.append(schema)
        for value in schema.values():
            out += _dates_in(value, components, seen)
    elif isinstance(schema, list):
        for value in schema:
            out += _dates_in(value, components, seen)
    return out


def test_every_date_a_request_carries_is_bounded(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    components = spec["components"]["schemas"]
    unbounded = []
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            inputs = [p.get("schema", {}) for p in op.get("parameters", [])]
            inputs.append(op.get("requestBody", {}))
            for schema in inputs:
                for date in _dates_in(schema, components, set()):
                    if date.get("formatMaximum") != "2199-12-31":
                        unbounded.append(f"{method.upper()} {path}")
    assert not unbounded, (
        f"dates without the schema's bound (use kit.dates.InputDate): {sorted(set(unbounded))}"
    )


def _ingest_key(session: Session, runtime: Runtime) -> dict[str, str]:
    from sqlalchemy import select

    from tests.factories import ingest as fx
    from xinyong.auth import service as auth_service
    from xinyong.departments.models import Department

    fx.sync_departments(session, runtime.policy)
    dept = session.scalar(select(Department).where(Department.code == "WL-SCJG"))
    assert dept is not None
    _, key = auth_service.create_api_key(
        session, actor="test", name="WL 系统", role=Role.SYSTEM, department_id=dept.id
    )
    session.flush()
    return {"Authorization": f"Bearer {key}"}


def test_hostile_ingest_files_answer_clear_errors(
    client: TestClient, session: Session, runtime: Runtime
) -> None:
    headers = _ingest_key(session, runtime)
    cases = {
        "gbk-broken.csv": "CF_XDR_MC,CF_XDR_SHXYM\n台州某公司,x\n".encode("gbk") + b"\xff\xfe\x81\x00\xc0",
        "binary.csv": bytes(range(256)) * 8,
        "broken.xlsx": b"PK\x03\x04" + b"\x00" * 64,
        "notzip.xlsx": b"this is no workbook",
        "deep.json": b"[" * 100_000 + b"]" * 100_000,
        "deep-rows.json": b'{"rows": ' + b"[" * 50_000 + b"]" * 50_000 + b"}",
        "object.json": b'{"rows": {"a": 1}}',
        "broken.json": b'[{"CF_XDR_MC": ',
        "notes.txt": "台州某公司 罚款".encode(),
        "empty.csv": b"",
    }
    for name, content in cases.items():
        resp = client.post("/api/v1/sources/xzcf/batches", files={"file": (name, content)}, headers=headers)
        assert 400 <= resp.status_code < 500, (name, resp.status_code, resp.text)
        body = resp.json()
        assert body["code"].startswith("ingest."), (name, body)
        assert any("\u4e00" <= ch <= "\u9fff" for ch in body["message"]), (name, body)
    # a zip bomb dressed as a workbook: 200 MB of zeros in a sheet part, refused before anything expands
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        with z.open("xl/worksheets/sheet1.xml", "w") as part:
            for _ in range(200):
                part.write(b"\x00" * 1024 * 1024)
    resp = client.post(
        "/api/v1/sources/xzcf/batches", files={"file": ("bomb.xlsx", bomb.getvalue())}, headers=headers
    )
    assert resp.status_code == 422, resp.text
    assert resp.json()["code"] == "ingest.xlsx_bomb"
    assert len(bomb.getvalue()) < 1024 * 1024
    # nested values in an otherwise good row: the row is kept as rejected, with its reason
    nested = b'[{"CF_XDR_MC": {"a": [1, {"b": 2}]}, "CF_XDR_SHXYM": ["x"]}]'
    resp = client.post("/api/v1/sources/xzcf/batches", files={"file": ("n.json", nested)}, headers=headers)
    assert resp.status_code == 200, resp.text
    assert (resp.json()["rows"], resp.json()["rejected"]) == (1, 1)


def test_new_uscc_sharing_an_existing_org_code_does_not_abort_the_batch(
    client: TestClient, session: Session, runtime: Runtime, tmp_path: Path
) -> None:
    from sqlalchemy import select

    from tests.factories import ingest as fx
    from xinyong.kit.ids import make_uscc, org_code_of_uscc
    from xinyong.subjects.models import Subject

    headers = _ingest_key(session, runtime)
    old = fs.enterprise(session, runtime.keys, name="台州老字号有限公司")
    assert old.uscc is not None
    body = old.uscc[8:16]
    twin = make_uscc("9", "3", "331082", body)  # another USCC, the same embedded 组织机构代码
    assert org_code_of_uscc(twin) == org_code_of_uscc(old.uscc)
    third = make_uscc("5", "1", "331083", body)  # and a third in the same file
    rows = [
        fx.penalty("台州新主体有限公司", twin, "温市监罚〔2026〕11号"),
        fx.penalty("台州另一主体", third, "温市监罚〔2026〕12号"),
        fx.penalty("台州老字号有限公司", old.uscc, "温市监罚〔2026〕13号"),
    ]
    path = fx.write_csv(tmp_path / "twin.csv", rows)
    with path.open("rb") as fh:
        resp = client.post("/api/v1/sources/xzcf/batches", files={"file": ("twin.csv", fh)}, headers=headers)
    assert resp.status_code == 200, resp.text
    result = resp.json()
    assert (result["rows"], result["accepted"], result["subjects_created"]) == (3, 3, 2)
    created = session.scalars(select(Subject).where(Subject.uscc.in_([twin, third]))).all()
    assert len(created) == 2
