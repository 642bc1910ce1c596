"""Schemathesis drives every operation of the OpenAPI schema through the ASGI app: no server errors.

(schemathesis' lazy ``from_fixture`` loader does not work with pytest 9, so each operation's
hypothesis strategy is run here directly; the checks are schemathesis' own.)
"""

from __future__ import annotations

from collections.abc import Callable

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
EXAMPLES = 12


def _run_all(app: FastAPI, headers: dict[str, str] | None) -> list[str]:
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    labels = []
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), result
        operation = result.ok()
        labels.append(operation.label)

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None
        )
        def check(case: schemathesis.Case) -> None:
            case.call_and_validate(headers=headers, checks=[not_a_server_error])

        runner: Callable[[], None] = check
        runner()
    return labels


@pytest.fixture
def seeded(session: Session, runtime: Runtime, policy: Policy) -> str:
    """Seed a subject with a record; return an admin's API key."""
    company = fs.enterprise(session, runtime.keys, name="台州市宏达阀门有限公司")
    fr.record(session, policy, company, fs.department(session))
    return fa.api_key(session, Role.ADMIN)


def test_no_server_errors_anonymous(app: FastAPI, seeded: str) -> None:
    labels = _run_all(app, None)
    assert "GET /api/v1/subjects/{code}" in labels


def test_no_server_errors_as_admin(app: FastAPI, seeded: str) -> None:
    _run_all(app, {"Authorization": f"Bearer {seeded}"})
