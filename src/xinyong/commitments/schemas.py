"""Typed input and output of the commitments API."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from xinyong.kit.dates import InputDate
from xinyong.kit.schema import IsoDate


class CommitmentIn(BaseModel):
    """Body of ``POST /api/v1/commitments``."""

    model_config = ConfigDict(extra="forbid")

    subject_code: str = Field(max_length=32)
    type: str = Field(max_length=16)
    department: str | None = Field(
        default=None,
        max_length=32,
        description="受理单位编码：部门只能是本部门（默认）；信用中心管理员可代为登记（记入审计）",
    )
    matter: str = Field(min_length=1, max_length=200)
    content: str = Field(min_length=1, max_length=5000)
    committed_on: InputDate
    due_on: InputDate | None = None


class StatusIn(BaseModel):
    """Body of ``POST /api/v1/commitments/{code}/status``."""

    model_config = ConfigDict(extra="forbid")

    status: str = Field(max_length=8)
    effective_on: InputDate
    reason: str | None = Field(default=None, max_length=500)


class StatusChange(BaseModel):
    """One change of a commitment's fulfilment status."""

    model_config = ConfigDict(populate_by_name=True)

    from_: str | None = Field(alias="from")
    to: str
    on: IsoDate
    reason: str | None
    actor: str


class CommitmentRead(BaseModel):
    """A commitment with its status history."""

    code: str
    type: str
    subject_id: int
    department: str | None
    department_name: str | None
    matter: str
    content: str
    committed_on: IsoDate
    due_on: IsoDate | None
    status: str
    status_on: IsoDate
    breach_record_id: int | None
    history: list[StatusChange]


class PublicCommitment(BaseModel):
    """A published 主动型 commitment (never a natural person's)."""

    code: str
    type: str
    subject_name: str
    uscc: str | None
    department_name: str
    matter: str
    content: str
    committed_on: IsoDate
    status: str


class PublicCommitments(BaseModel):
    """A page of published commitments."""

    items: list[PublicCommitment]
