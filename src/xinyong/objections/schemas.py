"""Typed input and output of the objection API."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field, model_validator

from xinyong.casework.schemas import DeadlineMarks
from xinyong.kit.schema import IsoDate, Timestamp


def _no_nul(value: Any) -> Any:
    """Drop NUL characters (PostgreSQL text cannot hold them) from strings, recursively."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, dict):
        return {_no_nul(k): _no_nul(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_no_nul(v) for v in value]
    return value


class Clean(BaseModel):
    """A request body whose strings carry no NUL characters."""

    @model_validator(mode="before")
    @classmethod
    def _strip_nul(cls, data: Any) -> Any:
        return _no_nul(data)


class ObjectionCreate(Clean):
    """An objection: the record, the ground and how to reach the objector."""

    record_id: int = Field(ge=1, le=2**63 - 1)
    ground: str = Field(description="wrong / incomplete / past_retention / wrongly_listed")
    description: str = Field(min_length=1, max_length=4000)
    contact_name: str = Field(min_length=1, max_length=100)
    contact_phone: str | None = Field(default=None, max_length=32)
    contact_email: str | None = Field(default=None, max_length=200)


class Extension(Clean):
    """An extension approved by the department head."""

    workdays: int = Field(ge=1, le=60)
    reason: str = Field(min_length=1, max_length=1000)
    approved_by: str = Field(min_length=1, max_length=100, description="批准延长的负责人")


class ObjectionDecision(Clean):
    """The outcome of verification, with its reason (and the new values for a correction)."""

    outcome: str = Field(
        description="delete / correct / supplement / stop_disclosure / remove_from_list / reject"
    )
    reason: str = Field(min_length=1, max_length=1000)
    changes: dict[str, Any] | None = Field(default=None, description="更正/补充：目录项字段 → 新值")


class ReviewRequest(Clean):
    """A request for 复核 after a rejection."""

    reason: str = Field(min_length=1, max_length=4000)
    code: str | None = Field(default=None, description="原异议的查询码（非主体本人申请时）")


class ObjectionContact(BaseModel):
    """How to reach the objector (shown to those who handle the objection)."""

    name: str
    phone: str | None
    email: str | None


class ObjectionRead(DeadlineMarks):
    """An objection with its deadlines; ``contact`` only for those who may see it."""

    id: int
    stage: str
    review_of_id: int | None
    record_id: int
    department_id: int | None
    ground: str
    description: str
    state: str
    state_label: str
    allowed_actions: list[str]
    submitted_at: Timestamp | None
    accept_due_on: IsoDate | None
    accepted_on: IsoDate | None
    decide_due_on: IsoDate | None
    extended_workdays: int
    extension_reason: str | None
    extension_approved_by: str | None
    outcome: str | None
    decision_reason: str | None
    new_record_id: int | None
    decided_on: IsoDate | None
    review_due_on: IsoDate | None
    due_on: IsoDate | None
    overdue: bool
    contact: ObjectionContact | None = Field(
        default=None, description="联系方式（仅办理部门等可见；否则不出现）"
    )


class ObjectionFiled(ObjectionRead):
    """A new objection or review, with the tracking code shown only in this answer."""

    tracking_code: str = Field(description="查询码（公众凭此查看办理进度，仅此一次显示）")
