"""What pages show of a state is decided by the services (templates only render it; see tests/test_templates.py)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from tests.factories import subjects as fs
from xinyong.auth import consent
from xinyong.auth.principal import Principal, Role
from xinyong.finance import states
from xinyong.ingest.uploads import UploadJob
from xinyong.monitoring.service import NEXT_HANDLING
from xinyong.runtime import Runtime

TODAY = dt.date(2026, 6, 1)


def test_an_authorisation_can_be_revoked_while_in_force_or_not_yet_in_force(
    session: Session, runtime: Runtime
) -> None:
    subject = fs.enterprise(session, runtime.keys)
    me = Principal(role=Role.SUBJECT, subject_id=subject.id, username="me")

    def grant(start: dt.date, end: dt.date) -> int:
        return consent.grant(
            session, me, grantee_code="BK-TZYH", grantee_name="台州银行", purpose="贷款审批", sections=["行政管理"],
            score=False, valid_from=start, valid_to=end, policy=runtime.policy,
        ).id  # fmt: skip

    current = grant(TODAY - dt.timedelta(days=5), TODAY + dt.timedelta(days=5))
    later = grant(TODAY + dt.timedelta(days=3), TODAY + dt.timedelta(days=30))
    expired = grant(TODAY - dt.timedelta(days=40), TODAY - dt.timedelta(days=1))
    revoked = grant(TODAY, TODAY + dt.timedelta(days=10))
    consent.revoke(session, me, revoked)
    views = {v.row.id: v for v in consent.views_of(session, subject.id, TODAY)}
    seen = {i: (views[i].status, views[i].in_force, views[i].revocable) for i in views}
    assert seen == {
        current: ("有效", True, True),
        later: ("未生效", False, True),
        expired: ("已过期", False, False),
        revoked: ("已撤销", False, False),
    }


def test_the_bank_is_offered_the_moves_of_the_application_workflow() -> None:
    assert states.actions(states.Status.SUBMITTED) == (states.Action.ACCEPT, states.Action.REJECT)
    assert states.actions(states.Status.ACCEPTED) == (states.Action.GRANT, states.Action.REJECT)
    assert states.actions(states.Status.GRANTED) == ()
    for status in states.Status:
        for action in states.actions(status):
            states.move(status, action, "理由")  # every offered move is one the workflow accepts


def test_alert_handling_offers_verify_or_dismiss_then_close() -> None:
    assert NEXT_HANDLING == {"待核实": ("已核实", "误报"), "已核实": ("已处置",)}


def test_an_upload_is_in_progress_until_done_or_failed() -> None:
    job = UploadJob("j", "xzcf", "a.csv", ".csv", 1, "TZ-SCJG", "officer")
    progress = []
    for state in ("staged", "running", "done", "failed"):
        job.state = state  # type: ignore[assignment]
        progress.append(job.in_progress)
    assert progress == [True, True, False, False]


def test_only_an_officer_is_limited_to_its_department() -> None:
    assert Principal(role=Role.OFFICER, department_id=7).limited_to_department == 7
    for role in (Role.ADMIN, Role.SUPERVISOR, Role.AUDITOR):
        assert Principal(role=role, department_id=7).limited_to_department is None
