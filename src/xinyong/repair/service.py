"""Repair use cases (信用修复): eligibility, apply, accept, 补正, decide; the caller commits.

谁认定、谁修复: a case goes to the department that made the finding (``credit_record.department_id``).
Approval appends ``repaired`` (and ``list_removed`` for a list) to the record; every reader derives
from those events, so publication, sharing and scoring stop at once (Order 36 Art. 3–4).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.audit import service as audit
from xinyong.auth.principal import Principal, Role
from xinyong.casework import service as casework
from xinyong.clock import due
from xinyong.errors import Conflict, Forbidden, Invalid, NotFound
from xinyong.outbox import changes as effects
from xinyong.policy.loader import Policy
from xinyong.records.events import append_event, current_version, get_record
from xinyong.records.models import CreditRecord, RecordEventKind
from xinyong.repair import storage
from xinyong.repair.deadlines import refresh_deadlines as refresh_deadlines  # part of this service
from xinyong.repair.eligibility import Eligibility, assess
from xinyong.repair.facts import Declaration
from xinyong.repair.materials import materials as materials  # part of this service
from xinyong.repair.materials import missing_materials, online_commitment, store_uploads
from xinyong.repair.models import RepairCase
from xinyong.repair.monitoring import DepartmentHandling as DepartmentHandling  # part of this service
from xinyong.repair.monitoring import handling_by_department as handling_by_department
from xinyong.repair.queries import record_facts
from xinyong.repair.states import REPAIR
from xinyong.repair.workflows import workflows

Upload = storage.Upload  # re-exported: an evidence upload, built by the pages

DEPARTMENT_ROLES = (Role.OFFICER, Role.SYSTEM, Role.ADMIN)
__all__ = [
    "materials",
    "refresh_deadlines",
]  # with the verbs below: materials and deadlines have modules of their own


def eligibility_dict(e: Eligibility) -> dict[str, Any]:
    """Return an eligibility answer as JSON-ready data."""
    data = asdict(e)
    data["reasons"] = [
        {**r, "until": r["until"].isoformat() if r["until"] else None} for r in data["reasons"]
    ]
    for key in ("on", "earliest_on", "min_period_end", "publication_end"):
        data[key] = data[key].isoformat() if data[key] else None
    data["notes"] = list(e.notes)
    data["materials"] = [dict(m) for m in data["materials"]]
    return data


def check_record_access(principal: Principal, record: CreditRecord) -> None:
    """Let the subject itself and government roles act on a record's repair."""
    if principal.role == Role.SUBJECT and principal.subject_id == record.subject_id:
        return
    if principal.role in (Role.OFFICER, Role.SYSTEM, Role.ADMIN, Role.SUPERVISOR):
        return
    raise Forbidden(
        "只有信用主体本人（或其代理人）和主管部门可以办理该记录的信用修复", code="repair.forbidden"
    )


def check_department(principal: Principal, department_id: int | None) -> None:
    """Let only the routed department (or the credit centre's admin) handle a case."""
    if principal.role == Role.ADMIN:
        return
    if principal.role in (Role.OFFICER, Role.SYSTEM) and principal.department_id == department_id:
        return
    raise Forbidden("该案件由作出认定的部门办理（谁认定、谁修复）", code="repair.wrong_department")


def eligibility_for(
    session: Session, policy: Policy, record_id: int, on: dt.date, declaration: Declaration | None = None
) -> tuple[CreditRecord, Eligibility]:
    """Return the current version of a record and whether it may be repaired on ``on``."""
    record = current_version(session, get_record(session, record_id))
    return record, assess(record_facts(session, policy, record), on, policy, declaration)


def _eligible_now(
    session: Session, policy: Policy, record: CreditRecord, today: dt.date, decl: Declaration
) -> Eligibility:
    """Return the record's eligibility; refuse (422, with reasons and the earliest date) if it is not."""
    verdict = assess(record_facts(session, policy, record), today, policy, decl)
    if not verdict.eligible or verdict.mode is None:
        raise Invalid(
            "该记录目前不能申请信用修复：" + "；".join(r.message for r in verdict.reasons),
            code="repair.not_eligible",
            reasons=[{"code": r.code, "message": r.message} for r in verdict.reasons],
            earliest_on=verdict.earliest_on.isoformat() if verdict.earliest_on else None,
        )
    return verdict


def _refuse_open_case(session: Session, record: CreditRecord) -> None:
    """Refuse a second application while one on the same record is still open."""
    open_case = session.scalar(
        select(RepairCase.id).where(
            RepairCase.record_key == record.record_key, RepairCase.state.in_(REPAIR.pending)
        )
    )
    if open_case is not None:
        raise Conflict(
            f"该记录已有办理中的修复申请（编号 {open_case}）", code="repair.duplicate", case_id=open_case
        )


def _new_case(
    session: Session,
    policy: Policy,
    principal: Principal,
    record: CreditRecord,
    verdict: Eligibility,
    applicant: dict[str, Any],
    *,
    now: dt.datetime,
    today: dt.date,
) -> RepairCase:
    """Open a case at the department that made the finding, its acceptance clock started."""
    case = RepairCase(
        record_id=record.id,
        record_key=record.record_key,
        subject_id=record.subject_id,
        department_id=record.department_id,
        mode=verdict.mode,
        state="submitted",
        applicant_actor=principal.actor,
        **applicant,
        eligibility=eligibility_dict(verdict),
        regime_id=verdict.regime_id,
        policy_hash=policy.hash,
        submitted_at=now,
        submitted_on=today,
        accept_due_on=due(policy.calendar, today, workflows(policy).repair.accept_workdays),
    )
    session.add(case)
    session.flush()
    return case


def submit_repair(
    session: Session,
    policy: Policy,
    principal: Principal,
    *,
    record_id: int,
    obligations_fulfilled: bool,
    commitment_accepted: bool,
    uploads: list[storage.Upload],
    now: dt.datetime,
    today: dt.date,
    var_dir: Path,
    max_bytes: int,
    statement: str | None = None,
    applicant_name: str | None = None,
    agent_name: str | None = None,
    contact_phone: str | None = None,
) -> RepairCase:
    """File a repair application; refuse it (422, with reasons and the earliest date) if not eligible."""
    record = current_version(session, get_record(session, record_id))
    check_record_access(principal, record)
    if principal.role != Role.SUBJECT and not (applicant_name or agent_name):
        raise Invalid("代为申请时须填写申请主体或代理人姓名", code="repair.applicant_required")
    signed = commitment_accepted or any(u.kind == "commitment" for u in uploads)
    decl = Declaration(obligations_fulfilled=obligations_fulfilled, commitment_signed=signed)
    verdict = _eligible_now(session, policy, record, today, decl)
    _refuse_open_case(session, record)
    all_uploads = list(uploads)
    if commitment_accepted and not any(u.kind == "commitment" for u in uploads):
        document = record.document_no or record.record_key
        all_uploads.append(online_commitment(policy, document, principal.actor, now))
    mode = verdict.mode or ""
    missing = missing_materials(policy, mode, {u.kind for u in all_uploads}, agent=bool(agent_name))
    if missing:
        raise Invalid(
            "缺少必需的材料：" + "、".join(missing), code="repair.materials_missing", missing=missing
        )
    applicant = {
        "applicant_name": applicant_name,
        "agent_name": agent_name,
        "contact_phone": contact_phone,
        "obligations_fulfilled": obligations_fulfilled,
        "commitment_signed": signed,
        "statement": statement,
    }
    case = _new_case(session, policy, principal, record, verdict, applicant, now=now, today=today)
    store_uploads(
        session, policy, case, all_uploads, var_dir=var_dir, max_bytes=max_bytes, actor=principal.actor
    )
    detail = {"record_id": record.id, "mode": case.mode, "department_id": case.department_id}
    audit.append(
        session,
        actor=principal.actor,
        action="repair.submit",
        object_type="repair_case",
        object_id=case.id,
        detail=detail,
    )
    return case


def get_case(session: Session, case_id: int) -> RepairCase:
    """Return a case or raise ``NotFound``."""
    case = session.get(RepairCase, case_id)
    if case is None:
        raise NotFound(f"修复申请 {case_id} 不存在", code="repair.not_found")
    return case


def check_case_read(principal: Principal, case: RepairCase) -> None:
    """Let the applicant subject, its department, the credit centre, supervisors and auditors read."""
    if principal.role == Role.SUBJECT and principal.subject_id == case.subject_id:
        return
    if principal.role in (Role.ADMIN, Role.SUPERVISOR, Role.AUDITOR):
        return
    if principal.role in (Role.OFFICER, Role.SYSTEM) and principal.department_id == case.department_id:
        return
    if principal.actor == case.applicant_actor:
        return
    raise Forbidden("无权查看该修复申请", code="repair.forbidden")


def _transition(session: Session, case: RepairCase, action: str, actor: str, detail: dict[str, Any]) -> None:
    casework.transition(session, REPAIR, case, action, actor=actor, object_type="repair_case", detail=detail)


def accept_repair(
    session: Session, policy: Policy, principal: Principal, case_id: int, *, now: dt.datetime, today: dt.date
) -> RepairCase:
    """Accept a case (受理) and start the decision clock."""
    case = get_case(session, case_id)
    check_department(principal, case.department_id)
    REPAIR.next(case.state, "accept")
    case.accepted_on, case.accepted_at = today, now
    case.decide_due_on = due(policy.calendar, today, workflows(policy).repair.decide_workdays)
    _transition(session, case, "accept", principal.actor, {"decide_due_on": case.decide_due_on.isoformat()})
    return case


def request_materials(
    session: Session, policy: Policy, principal: Principal, case_id: int, *, note: str, today: dt.date
) -> RepairCase:
    """Ask the applicant to supplement materials (补正), listing what is missing, once and in full."""
    if not note.strip():
        raise Invalid("请写明需要补正的材料", code="repair.note_required")
    case = get_case(session, case_id)
    check_department(principal, case.department_id)
    REPAIR.next(case.state, "request_materials")
    case.materials_requested_on = today
    case.materials_note = note.strip()[:1000]
    case.supplement_due_on = due(policy.calendar, today, workflows(policy).repair.supplement_workdays)
    _transition(session, case, "request_materials", principal.actor, {"note": case.materials_note})
    return case


def supplement(
    session: Session,
    policy: Policy,
    principal: Principal,
    case_id: int,
    *,
    uploads: list[storage.Upload],
    today: dt.date,
    var_dir: Path,
    max_bytes: int,
) -> RepairCase:
    """Add materials; a case waiting for 补正 goes back to submitted with a fresh acceptance clock."""
    case = get_case(session, case_id)
    check_case_read(principal, case)
    if principal.role not in (Role.SUBJECT, Role.OFFICER, Role.ADMIN):
        raise Forbidden("无权补充材料", code="repair.forbidden")
    if not uploads:
        raise Invalid("请上传材料", code="repair.no_material")
    if not REPAIR.is_open(case.state):
        raise Conflict("该申请已办结，不能再补充材料", code="repair.closed")
    store_uploads(session, policy, case, uploads, var_dir=var_dir, max_bytes=max_bytes, actor=principal.actor)
    if case.state == "materials_requested":
        case.accept_due_on = due(policy.calendar, today, workflows(policy).repair.accept_workdays)
        case.accepted_on = None
        case.decide_due_on = None
        _transition(session, case, "supplement", principal.actor, {"files": len(uploads)})
    return case


def decide_repair(
    session: Session,
    policy: Policy,
    principal: Principal,
    case_id: int,
    *,
    outcome: Literal["approved", "rejected"],
    reason: str,
    now: dt.datetime,
    today: dt.date,
) -> RepairCase:
    """Approve or reject; approval appends the record events that end publication, sharing and use."""
    if not reason.strip():
        raise Invalid("请写明决定理由", code="repair.reason_required")
    case = get_case(session, case_id)
    check_department(principal, case.department_id)
    action = {"approved": "approve", "rejected": "reject"}.get(outcome)
    if action is None:
        raise Invalid("决定结果只能是 approved（准予修复）或 rejected（不予修复）", code="repair.bad_outcome")
    REPAIR.next(case.state, action)
    if outcome == "approved":
        _, verdict = eligibility_for(session, policy, case.record_id, today)
        blocking = [r for r in verdict.reasons if r.kind != "action"]
        if blocking:
            raise Conflict(
                "记录当前不满足修复条件：" + "；".join(r.message for r in blocking),
                code="repair.no_longer_eligible",
            )
    case.outcome, case.decision_reason = outcome, reason.strip()[:1000]
    case.decided_on, case.decided_at, case.decided_by = today, now, principal.actor
    _transition(session, case, action, principal.actor, {"reason": case.decision_reason})
    if outcome == "approved":
        _apply_approval(
            session, policy, case, reason=case.decision_reason, actor=principal.actor, now=now, today=today
        )
    return case


def _apply_approval(
    session: Session,
    policy: Policy,
    case: RepairCase,
    *,
    reason: str,
    actor: str,
    now: dt.datetime,
    today: dt.date,
) -> None:
    """Append the events that end publication, sharing and use (and the listing), then tell everyone."""
    # a correction may have superseded the record while the case ran: the current version is repaired
    current = current_version(session, get_record(session, case.record_id))
    kinds = [RecordEventKind.REPAIRED]
    if case.mode == "list_removal":
        kinds.insert(0, RecordEventKind.LIST_REMOVED)
    for kind in kinds:
        append_event(
            session,
            record_id=current.id,
            kind=kind,
            effective_on=today,
            source_type="repair",
            source_id=case.id,
            reason=reason,
            actor=actor,
            detail={"mode": case.mode, "regime_id": case.regime_id},
            recorded_at=now,
        )
    change = effects.RecordChange(
        record_id=current.id,
        record_key=case.record_key,
        subject_id=case.subject_id,
        kinds=tuple(kinds),
        effective_on=today,
        source_type="repair",
        source_id=case.id,
        reason=reason,
        actor=actor,
    )
    effects.record_changed(session, policy, change, now=now)


def withdraw(session: Session, principal: Principal, case_id: int, *, today: dt.date) -> RepairCase:
    """Withdraw one's own open application."""
    case = get_case(session, case_id)
    if (
        not (principal.role == Role.SUBJECT and principal.subject_id == case.subject_id)
        and principal.actor != case.applicant_actor
    ):
        raise Forbidden("只有申请人可以撤回申请", code="repair.forbidden")
    case.decided_on = today
    _transition(session, case, "withdraw", principal.actor, {})
    return case
