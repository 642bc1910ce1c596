"""Pydantic I/O of 职业人群 and 公务员: the profession catalog, licences and posts (never a clear ID
number), sanctions written as records, and the coverage of civil servants' credit files per body."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from xinyong.kit.dates import InputDate


class Labelled(BaseModel):
    """A code with its Chinese label."""

    code: str
    label: str


class ProfessionRead(BaseModel):
    """A profession of the catalog in force."""

    code: str
    name: str
    licensing_body: str
    basis: str
    effective_from: dt.date
    effective_to: dt.date | None = None


class PersonIn(BaseModel):
    """A natural person: the ID number is encrypted at once and only its blind index is searched."""

    name: str = Field(min_length=2, max_length=100)
    id_card: str = Field(min_length=15, max_length=18, description="身份证号码（只加密存储，显示时脱敏）")


class LicenceIn(PersonIn):
    """A licence in a key profession."""

    profession: str = Field(min_length=2, max_length=32, description="职业编码（policy/professions）")
    licence_no: str = Field(min_length=2, max_length=64, description="执业（资格）证书编号")
    issuing_department: str = Field(min_length=2, max_length=100, description="发证部门")
    issued_on: InputDate
    valid_to: InputDate | None = None


class LicenceRead(BaseModel):
    """A licence with its status on the day asked about (derived from dates and sanction records)."""

    id: int
    name: str
    id_masked: str | None
    profession: Labelled
    licence_no: str
    issuing_department: str
    issued_on: dt.date
    valid_to: dt.date | None = None
    status: Labelled


class SanctionIn(BaseModel):
    """A sanction of a professional or a civil servant (吊销执业证书、政务处分 …), written as a record."""

    sanction_type: str = Field(min_length=2, max_length=16, description="惩戒类型（中文，如 吊销执业证书）")
    reason: str = Field(min_length=2, max_length=500)
    document_no: str = Field(min_length=2, max_length=64)
    decided_on: InputDate


class SanctionRead(BaseModel):
    """A sanction written: the record and what it says."""

    record_id: int
    sanction_type: str
    category: str
    document_no: str
    decided_on: dt.date
    authority: str


class CivilServantIn(PersonIn):
    """A civil servant's post in a government body (by the body's USCC)."""

    body_uscc: str = Field(min_length=18, max_length=18, description="任职机关的统一社会信用代码")
    position: str = Field(min_length=2, max_length=100)
    appointed_on: InputDate


class CivilServantRead(BaseModel):
    """A civil servant's post as government reads it."""

    id: int
    name: str
    id_masked: str | None
    body_name: str
    position: str
    appointed_on: dt.date
    left_on: dt.date | None = None
    status: Labelled


class LeaveIn(BaseModel):
    """The day a civil servant leaves the body."""

    left_on: InputDate


class HeadcountIn(BaseModel):
    """A body's declared number of civil servants (在编公务员人数) from a day on."""

    body_uscc: str = Field(min_length=18, max_length=18)
    headcount: int = Field(ge=0, le=100_000)
    reported_on: InputDate


class HeadcountRead(BaseModel):
    """A declared headcount."""

    body_name: str
    headcount: int
    reported_on: dt.date


class CoverageRow(BaseModel):
    """Coverage of one body: civil servants in post with a credit file over its declared headcount."""

    body_name: str
    body_uscc: str
    in_post: int
    headcount: int | None
    coverage: float | None
    meets_target: bool | None
    note: str


class CoverageRead(BaseModel):
    """Coverage of civil servants' credit files per body, against the plan's target."""

    as_of: dt.date
    target: float
    basis: str
    bodies: list[CoverageRow]
    total_in_post: int
    total_headcount: int
    overall: float | None
