"""The repair API's views: what each role may see of a case, shaped into its answer (entry layer)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import UploadFile
from sqlalchemy.orm import Session

from xinyong.auth.principal import Role
from xinyong.casework.deps import Act
from xinyong.casework.service import is_overdue
from xinyong.clock import Clock, deadline_marks
from xinyong.errors import Invalid
from xinyong.repair import monitoring, service, storage
from xinyong.repair.models import RepairCase
from xinyong.repair.schemas import MaterialRead, RepairCaseRead
from xinyong.repair.states import REPAIR

APPLICANTS = (Role.SUBJECT, Role.OFFICER, Role.ADMIN)
HANDLERS = (Role.OFFICER, Role.SYSTEM, Role.ADMIN)
READERS = (Role.SUBJECT, Role.OFFICER, Role.SYSTEM, Role.ADMIN, Role.SUPERVISOR, Role.AUDITOR)


def iso(value: dt.date | dt.datetime | None) -> str | None:
    """Return a date or time as the API writes it."""
    return value.isoformat() if value is not None else None


def case_read(session: Session, case: RepairCase, clock: Clock) -> RepairCaseRead:
    """Return a case as the API shows it, with its deadlines (暂定 ones marked) and whether it is overdue."""
    due, waiting = monitoring.repair_due_on(case)
    marks: dict[str, Any] = (
        deadline_marks(
            clock.calendar,
            accept_due_on=case.accept_due_on,
            decide_due_on=case.decide_due_on,
            supplement_due_on=case.supplement_due_on,
            due_on=due,
        )
        if clock.calendar is not None
        else {"provisional_deadlines": [], "deadline_note": None}
    )
    return RepairCaseRead(
        **marks,
        id=case.id,
        record_id=case.record_id,
        subject_id=case.subject_id,
        department_id=case.department_id,
        mode=case.mode,
        state=case.state,
        state_label=REPAIR.labels[case.state],
        allowed_actions=list(REPAIR.allowed(case.state)),
        applicant=case.applicant_actor,
        applicant_name=case.applicant_name,
        agent_name=case.agent_name,
        submitted_at=iso(case.submitted_at),
        accept_due_on=iso(case.accept_due_on),
        accepted_on=iso(case.accepted_on),
        decide_due_on=iso(case.decide_due_on),
        materials_requested_on=iso(case.materials_requested_on),
        materials_note=case.materials_note,
        supplement_due_on=iso(case.supplement_due_on),
        decided_on=iso(case.decided_on),
        outcome=case.outcome,
        decision_reason=case.decision_reason,
        due_on=iso(due),
        waiting_for=waiting,
        overdue=is_overdue(due, clock.today, waiting=waiting),
        eligibility=case.eligibility,
        regime_id=case.regime_id,
        policy_hash=case.policy_hash,
        materials=[
            MaterialRead(
                id=m.id,
                kind=m.kind,
                filename=m.filename,
                size=m.size,
                sha256=m.sha256,
                content_type=m.content_type,
                uploaded_at=iso(m.uploaded_at),
            )
            for m in service.materials(session, case.id)
        ],
    )


def show(act: Act, case: RepairCase) -> RepairCaseRead:
    """Return ``case`` as the API shows it on the request's day."""
    return case_read(act.session, case, act.clock)


async def bounded_read(upload: UploadFile, cap: int) -> bytes:
    """Read an uploaded file, stopping one byte past ``cap`` (the size check then refuses it)."""
    return await upload.read(cap + 1)


async def uploads(files: list[UploadFile], kinds: list[str], cap: int) -> list[storage.Upload]:
    """Pair uploaded files with their material kinds, each read up to ``cap`` bytes."""
    if len(kinds) != len(files):
        raise Invalid(
            "每个上传文件都须对应一个材料类型（kinds 与 files 一一对应）", code="repair.kinds_mismatch"
        )
    return [
        storage.Upload(
            kind=k,
            filename=f.filename or "material",
            content_type=f.content_type,
            data=await bounded_read(f, cap),
        )
        for f, k in zip(files, kinds, strict=True)
    ]
