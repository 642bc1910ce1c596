"""Typed input and output of the repair API (cases, eligibility, notices, the work queue, KPIs)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from xinyong.casework.schemas import DeadlineMarks
from xinyong.kit.schema import IsoDate, JsonObject, Timestamp


class MaterialsRequest(BaseModel):
    """A request to supplement materials (补正), listing everything missing at once."""

    note: str = Field(min_length=1, max_length=1000, pattern=r"^[^\x00]*$")


class Decision(BaseModel):
    """A repair decision with its reason."""

    outcome: Literal["approved", "rejected"]
    reason: str = Field(min_length=1, max_length=1000, pattern=r"^[^\x00]*$")


class MaterialRead(BaseModel):
    """A stored material (the file itself is downloaded separately)."""

    id: int
    kind: str
    filename: str
    size: int
    sha256: str
    content_type: str | None
    uploaded_at: Timestamp | None


class RepairCaseRead(DeadlineMarks):
    """A repair case with its deadlines, whose turn it is and whether it is overdue."""

    id: int
    record_id: int
    subject_id: int
    department_id: int | None
    mode: str
    state: str
    state_label: str
    allowed_actions: list[str]
    applicant: str
    applicant_name: str | None
    agent_name: str | None
    submitted_at: Timestamp | None
    accept_due_on: IsoDate | None
    accepted_on: IsoDate | None
    decide_due_on: IsoDate | None
    materials_requested_on: IsoDate | None
    materials_note: str | None
    supplement_due_on: IsoDate | None
    decided_on: IsoDate | None
    outcome: str | None
    decision_reason: str | None
    due_on: IsoDate | None
    waiting_for: str | None = Field(description="department（部门办理中）或 applicant（等待申请人）")
    overdue: bool
    eligibility: JsonObject = Field(description="申请时的资格判断（结构同 repair-eligibility）")
    regime_id: str | None
    policy_hash: str
    materials: list[MaterialRead]


class EligibilityReason(BaseModel):
    """Why a record is not (yet) repairable."""

    code: str
    message: str
    kind: str = Field(description="time / action / unknown / blocked")
    until: IsoDate | None


class EligibilityMaterial(BaseModel):
    """A kind of material the applicant provides."""

    code: str
    label: str
    required: bool


class RepairEligibility(BaseModel):
    """Whether a record may be repaired, and from when."""

    record_id: int
    eligible: bool
    on: IsoDate
    mode: str | None
    mode_label: str | None
    reasons: list[EligibilityReason]
    earliest_on: IsoDate | None
    regime_id: str | None
    regime_name: str | None
    severity: str | None
    min_period_end: IsoDate | None
    publication_end: IsoDate | None
    materials: list[EligibilityMaterial]
    notes: list[str]


class RepairNoticeRead(BaseModel):
    """The repair notice of a record (信用修复告知书); ``format=text|html`` returns the document itself."""

    record_id: int
    regime_id: str | None
    earliest_repair_on: IsoDate | None
    publication_end_on: IsoDate | None
    sha256: str
    created_at: Timestamp | None
    text: str


class WorkItem(BaseModel):
    """An open repair or objection case in a department's queue."""

    type: Literal["repair", "objection"]
    id: int
    state: str
    state_label: str
    due_on: IsoDate | None
    due_provisional: bool
    waiting_for: str
    overdue: bool
    overdue_workdays: int
    due_soon: bool = Field(description="未超期、期限临近（天数见 policy/workflows/queue.yaml）")
    record_id: int
    submitted_on: IsoDate
    mode: str | None = Field(default=None, description="修复方式（仅修复申请）")
    stage: str | None = Field(default=None, description="异议阶段（仅异议）")
    ground: str | None = Field(default=None, description="异议理由（仅异议）")


class WorkQueue(BaseModel):
    """A department's open cases, overdue first."""

    department_id: int | None
    today: IsoDate
    open: int
    overdue: int
    items: list[WorkItem]


class Period(BaseModel):
    """A period of business dates."""

    model_config = ConfigDict(populate_by_name=True)

    from_: IsoDate = Field(alias="from")
    to: IsoDate


class RepairKpis(BaseModel):
    """信用修复效率."""

    label: str
    submitted: int
    decided: int
    approved: int
    rejected: int
    avg_repair_workdays: int | float | None
    avg_repair_days: int | float | None
    on_time_share: int | float | None
    open: int
    overdue: int


class ObjectionKpis(BaseModel):
    """异议处理占比."""

    label: str
    filed: int
    published_records: int
    ratio: int | float | None
    decided: int
    upheld: int
    avg_handling_workdays: int | float | None
    on_time_share: int | float | None
    open: int
    overdue: int


class Kpis(BaseModel):
    """The repair and objection KPIs of a period."""

    period: Period
    policy_hash: str
    repair: RepairKpis
    objection: ObjectionKpis
