"""What a subject may do on each of its records, for the pages: apply for repair, or object — and if
not, why not and from when. The answer comes from the eligibility core; pages only show it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.policy.loader import Policy
from xinyong.repair.eligibility import Eligibility
from xinyong.repair.models import RepairCase
from xinyong.repair.service import eligibility_for
from xinyong.repair.states import REPAIR


@dataclass(frozen=True)
class Offer:
    """An action on a record: allowed (with its link), or refused with the reason in Chinese."""

    allowed: bool
    href: str | None = None
    reason: str | None = None


def open_case_id(session: Session, record_key: str) -> int | None:
    """Return the repair application of a record still being handled, if any."""
    return session.scalar(
        select(RepairCase.id).where(RepairCase.record_key == record_key, RepairCase.state.in_(REPAIR.pending))
    )


def may_file(verdict: Eligibility) -> bool:
    """Tell whether the application form is worth filling: eligible, or only the applicant's acts missing."""
    return verdict.eligible or all(r.kind == "action" for r in verdict.reasons)


def _refusal(verdict: Eligibility) -> str:
    first = next((r for r in verdict.reasons if r.kind != "action"), None)
    text = first.message if first else "该记录目前不能申请信用修复"
    if verdict.earliest_on is not None:
        text += f"，{verdict.earliest_on.isoformat()} 起可申请"
    return text


def repair_offer(session: Session, policy: Policy, record_id: int, on: dt.date) -> Offer:
    """Return whether the subject may apply to repair a record today, or why not."""
    record, verdict = eligibility_for(session, policy, record_id, on)
    pending = open_case_id(session, record.record_key)
    if pending is not None:
        return Offer(False, f"/me/repairs/{pending}", f"已有办理中的修复申请（编号 {pending}）")
    if may_file(verdict):
        return Offer(True, f"/me/repairs/new?record_id={record_id}")
    return Offer(False, None, _refusal(verdict))


def objection_offer(record_id: int, *, under_objection: bool) -> Offer:
    """Return whether the subject may object to a record (not while an objection is open)."""
    if under_objection:
        return Offer(False, None, "该信息正在异议处理中")
    return Offer(True, f"/me/objections/new?record_id={record_id}")


def cases_of(session: Session, subject_id: int) -> list[RepairCase]:
    """Return a subject's repair applications, newest first."""
    return list(
        session.scalars(
            select(RepairCase).where(RepairCase.subject_id == subject_id).order_by(RepairCase.id.desc())
        )
    )


def proof_label(verdict: Eligibility) -> str:
    """Return the label of the proof of performance the applicable repair mode asks for."""
    return next((m.label for m in verdict.materials if m.code == "performance_proof"), "证明材料")
