"""Issue 22, done-when: a credit file as of a past date, with what was received later left out, equals what
the platform answered on that date; ``known=now`` gives the corrected history instead."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.factories import auth as fa
from tests.factories import records as fr
from tests.factories import subjects as fs
from xinyong.auth.principal import Role
from xinyong.policy.loader import Policy
from xinyong.runtime import Runtime

K = dt.date(2025, 3, 1)  # the day the platform answered


def at(day: dt.date) -> dt.datetime:
    """Return 10:00 Asia/Shanghai of ``day``."""
    return dt.datetime.combine(day, dt.time(2), tzinfo=dt.UTC)


@pytest.fixture
def client_on_k(runtime: Runtime) -> Iterator[TestClient]:
    """A client of the platform whose business date is ``K`` (the same database)."""
    from xinyong.app import create_app

    fixed = Runtime(
        settings=runtime.settings.model_copy(update={"today": K}),
        engine=runtime.engine,
        sessions=runtime.sessions,
    )
    fixed._policy = runtime.policy
    with TestClient(create_app(runtime=fixed)) as c:
        yield c


def _names(body: dict[str, Any]) -> list[tuple[str, int, str]]:
    return sorted(
        (i["provenance"]["document_no"], i["version"], i["disclosure"]["reason_code"])
        for s in body["sections"]
        for i in s["items"]
    )


def _without_cutoff(body: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in body.items() if k != "known_at"}


def test_file_as_of_past_date_equals_what_was_answered_then(
    client: TestClient, client_on_k: TestClient, session: Session, runtime: Runtime, policy: Policy
) -> None:
    company = fs.enterprise(session, runtime.keys, name="台州市往日阀门有限公司", uscc=fs.next_uscc("331002"))
    dept = fs.department(session, "TZ-SCJG")
    penalty = fr.record(
        session, policy, company, dept, decision_on=dt.date(2025, 1, 10), received_at=at(dt.date(2025, 1, 12))
    )
    wrong = fr.record(
        session, policy, company, dept, decision_on=dt.date(2025, 2, 10), received_at=at(dt.date(2025, 2, 12))
    )
    admin = fa.account(session, Role.ADMIN)
    session.commit()
    fa.login(client_on_k, admin)
    then = client_on_k.get(f"/api/v1/subjects/{company.uscc}")
    assert then.status_code == 200, then.text
    captured = then.json()
    assert captured["as_of"] == K.isoformat()
    assert captured["known_at"] is None  # answered with everything the platform had
    assert _names(captured) == sorted(
        [(penalty.document_no, 1, "in_publication"), (wrong.document_no, 1, "in_publication")]
    )

    # what arrived afterwards: a correction, a late report of an earlier decision, a later decision, a
    # repair, and a deletion back-dated to the decision (a factual error found in August)
    fr.record(
        session,
        policy,
        company,
        dept,
        decision_on=dt.date(2025, 1, 10),
        supersedes=penalty,
        payload={"CF_NR": "罚款三万元（更正）"},
        received_at=at(dt.date(2025, 6, 1)),
    )
    late = fr.record(
        session, policy, company, dept, decision_on=dt.date(2025, 2, 1), received_at=at(dt.date(2025, 4, 1))
    )
    fr.record(
        session, policy, company, dept, decision_on=dt.date(2025, 5, 1), received_at=at(dt.date(2025, 5, 3))
    )
    fr.event(session, wrong, "deleted", dt.date(2025, 2, 10), recorded_at=at(dt.date(2025, 8, 1)))
    fr.event(session, penalty, "repaired", dt.date(2025, 7, 1), recorded_at=at(dt.date(2025, 7, 1)))
    session.commit()

    fa.login(client, admin)
    replay = client.get(f"/api/v1/subjects/{company.uscc}", params={"on": K.isoformat()})
    assert replay.status_code == 200, replay.text
    body = replay.json()
    assert body["known_at"].startswith("2025-03-01T15:59:59.999999")  # the end of K in Asia/Shanghai
    assert _without_cutoff(body) == _without_cutoff(captured)
    explicit = client.get(
        f"/api/v1/subjects/{company.uscc}", params={"on": K.isoformat(), "known": K.isoformat()}
    )
    assert _without_cutoff(explicit.json()) == _without_cutoff(captured)

    corrected = client.get(f"/api/v1/subjects/{company.uscc}", params={"on": K.isoformat(), "known": "now"})
    assert corrected.json()["known_at"] is None
    # the corrected history: the correction and the late report are in, the deleted record and the
    # record decided after K are not (the latter is not part of the file as of K, nor of its totals)
    assert _names(corrected.json()) == sorted(
        [(penalty.document_no, 2, "in_publication"), (late.document_no, 1, "in_publication")]
    )


def test_bad_and_future_known_are_refused_in_chinese(
    client: TestClient, session: Session, runtime: Runtime
) -> None:
    company = fs.enterprise(session, runtime.keys, uscc=fs.next_uscc("331002"))
    admin = fa.account(session, Role.ADMIN)
    session.commit()
    fa.login(client, admin)
    url = f"/api/v1/subjects/{company.uscc}"
    for known, code in (
        ("2025-13-01", "asof.bad_known"),
        ("昨天", "asof.bad_known"),
        ("0001-01-01", "asof.bad_known"),
        ("2199-12-31", "asof.known_in_future"),
    ):
        resp = client.get(url, params={"known": known})
        assert resp.status_code == 422, (known, resp.text)
        assert resp.json()["code"] == code
        assert "known" in resp.json()["message"]
    resp = client.get(url, params={"on": "2025-02-30"})
    assert resp.status_code == 422


def test_history_is_for_the_credit_centre_and_audit(
    client: TestClient, session: Session, runtime: Runtime
) -> None:
    company = fs.enterprise(session, runtime.keys, uscc=fs.next_uscc("331002"))
    session.commit()
    resp = client.get(f"/api/v1/subjects/{company.uscc}", params={"known": "2025-01-01"})
    assert resp.status_code == 403
    assert resp.json()["code"] == "file.as_of_forbidden"
