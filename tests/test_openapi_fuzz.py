"""Schemathesis drives every operation of the OpenAPI schema through the ASGI app, with the credentials of
every kind of caller (anonymous, a person, a company, a bank, a city department officer, a county officer,
a supervisor, an auditor, an admin, a department system's key): no server errors.

Bounded for CI: ``EXAMPLES`` cases per operation and role (hypothesis' own shrinking aside), each role a
test of its own so a failure names the caller; a role the operation's role gate refuses gets one case.

(schemathesis' lazy ``from_fixture`` loader does not work with pytest 9, so each operation's
hypothesis strategy is run here directly; the checks are schemathesis' own.)
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from sqlalchemy.orm import Session

from tests.factories import auth as fa
from tests.factories import records as fr
from tests.factories import subjects as fs
from xinyong.auth.principal import Role
from xinyong.policy.loader import Policy
from xinyong.runtime import Runtime

pytestmark = pytest.mark.schemathesis
# cases per operation and role; raise it for a deeper run: XINYONG_FUZZ_EXAMPLES=50 pytest tests/test_openapi_fuzz.py
EXAMPLES = int(os.environ.get("XINYONG_FUZZ_EXAMPLES", "5"))
COUNTY = "331081"
ROLES = (
    "public",
    "person",
    "company",
    "bank",
    "department_officer",
    "county_officer",
    "supervisor",
    "auditor",
    "admin",
    "system",
)


# A caller the role gate turns away (``require``: 401 ``auth.required`` / 403 ``auth.forbidden``) is refused
# before the operation reads its input, so every further case of that caller takes the same path: one case
# shows it, and the operation's own handling is fuzzed under the roles it admits.
GATE_CODES = {"auth.required", "auth.forbidden"}


def _refused_by_the_gate(response: object) -> bool:
    status = getattr(response, "status_code", None)
    if status not in (401, 403):
        return False
    try:
        body = response.json()  # type: ignore[attr-defined]
    except ValueError:
        return False
    return isinstance(body, dict) and body.get("code") in GATE_CODES


def _fuzz(operation: Any, headers: dict[str, str] | None, examples: int) -> list[bool]:
    """Run ``examples`` cases of ``operation``; return, per case, whether the role gate refused it."""
    refused: list[bool] = []

    @given(case=operation.as_strategy())
    @settings(max_examples=examples, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def check(case: schemathesis.Case) -> None:
        response = case.call_and_validate(headers=headers, checks=[not_a_server_error])
        refused.append(_refused_by_the_gate(response))

    runner: Callable[[], None] = check
    runner()
    return refused


def _run_all(app: FastAPI, headers: dict[str, str] | None) -> list[str]:
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    labels = []
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), result
        operation = result.ok()
        labels.append(operation.label)
        first = _fuzz(operation, headers, 1)
        if not all(first):
            _fuzz(operation, headers, EXAMPLES)
    return labels


@pytest.fixture
def callers(session: Session, runtime: Runtime, policy: Policy) -> dict[str, dict[str, str] | None]:
    """Seed a company and a person with records; return each role's Authorization header (None: anonymous)."""
    department = fs.department(session)
    company = fs.enterprise(session, runtime.keys, name="台州市宏达阀门有限公司", uscc=fs.next_uscc(COUNTY))
    person = fs.person(session, runtime.keys, name="李四")
    fr.record(session, policy, company, department)
    fr.record(session, policy, person, department)
    scopes: dict[str, tuple[Role, dict[str, object]]] = {
        "person": (Role.SUBJECT, {"subject_id": person.id, "organisation": person.name}),
        "company": (Role.SUBJECT, {"subject_id": company.id, "organisation": company.name}),
        "bank": (Role.BANK, {"organisation": "台州银行"}),
        "department_officer": (Role.OFFICER, {"department_id": department.id}),
        "county_officer": (Role.OFFICER, {"department_id": department.id, "region_code": COUNTY}),
        "supervisor": (Role.SUPERVISOR, {"department_id": department.id}),
        "auditor": (Role.AUDITOR, {}),
        "admin": (Role.ADMIN, {}),
        "system": (Role.SYSTEM, {"department_id": department.id}),
    }
    headers: dict[str, dict[str, str] | None] = {"public": None}
    for name, (role, scope) in scopes.items():
        headers[name] = {"Authorization": f"Bearer {fa.api_key(session, role, **scope)}"}
    session.commit()
    return headers


@pytest.mark.parametrize("role", ROLES)
def test_no_server_errors(app: FastAPI, callers: dict[str, dict[str, str] | None], role: str) -> None:
    labels = _run_all(app, callers[role])
    assert "GET /api/v1/subjects/{code}" in labels
