"""The audit log is a hash chain; edits, deletions and reorders are detected."""

from __future__ import annotations

from sqlalchemy import delete, update
from sqlalchemy.orm import Session

from xinyong.audit import service as audit
from xinyong.audit.models import AuditEvent


def _three(session: Session) -> list[AuditEvent]:
    return [
        audit.append(session, actor="admin:a", action=f"t.{i}", object_type="t", detail={"i": i})
        for i in range(3)
    ]


def test_chain_verifies(session: Session) -> None:
    _three(session)
    assert audit.verify(session).ok


def test_edit_is_detected(session: Session) -> None:
    events = _three(session)
    session.execute(update(AuditEvent).where(AuditEvent.id == events[1].id).values(detail={"i": 99}))
    session.expire_all()
    check = audit.verify(session)
    assert not check.ok
    assert check.first_bad_seq == events[1].seq


def test_delete_is_detected(session: Session) -> None:
    events = _three(session)
    session.execute(delete(AuditEvent).where(AuditEvent.id == events[1].id))
    check = audit.verify(session)
    assert not check.ok
    assert check.first_bad_seq == events[2].seq
