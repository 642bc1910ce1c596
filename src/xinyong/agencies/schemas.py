"""Pydantic I/O of the registers of practitioners: agency filings, practitioners (never a clear ID number),
supervision events and filed reports; professions, licences, civil servants, sanctions and coverage."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from xinyong.kit.dates import InputDate


class AgencyIn(BaseModel):
    """A filing to register (备案登记): the agency's registration and the filing's facts."""

    uscc: str = Field(min_length=18, max_length=18, description="统一社会信用代码")
    name: str = Field(min_length=2, max_length=200, description="机构名称")
    legal_rep: str | None = Field(default=None, max_length=100, description="法定代表人")
    filing_no: str = Field(min_length=3, max_length=64, description="备案编号")
    filed_on: InputDate = Field(description="备案日期")
    filing_authority: str = Field(min_length=2, max_length=32, description="备案机关（部门编码）")
    business_scopes: list[str] = Field(min_length=1, max_length=10, description="业务范围编码")


class CancelIn(BaseModel):
    """注销备案: from which day, and why."""

    cancelled_on: InputDate
    reason: str = Field(min_length=2, max_length=200)


class Labelled(BaseModel):
    """A code with its Chinese label."""

    code: str
    label: str


class AgencyRead(BaseModel):
    """A registry entry as the public list shows it (an organisation: public)."""

    id: int
    name: str
    uscc: str
    region_name: str | None = None
    filing_no: str
    filed_on: dt.date
    filing_authority: Labelled
    business_scopes: list[Labelled]
    status: Labelled
    cancelled_on: dt.date | None = None
    practitioners_in_post: int
    public_events: int


class PractitionerIn(BaseModel):
    """A practitioner to register: the person (ID number is encrypted at once) and the qualification."""

    name: str = Field(min_length=2, max_length=100)
    id_card: str = Field(min_length=15, max_length=18, description="身份证号码（只加密存储，显示时脱敏）")
    qualification: str = Field(min_length=2, max_length=32, description="从业资格编码")
    certificate_no: str | None = Field(default=None, max_length=64)
    joined_on: InputDate


class LeaveIn(BaseModel):
    """The day a practitioner leaves the agency, or a civil servant the body."""

    left_on: InputDate


class PractitionerRead(BaseModel):
    """A practitioner as government and the agency see it: name and masked ID only."""

    id: int
    name: str
    id_masked: str | None
    qualification: Labelled
    certificate_no: str | None = None
    joined_on: dt.date
    left_on: dt.date | None = None
    status: Labelled


class EventIn(BaseModel):
    """A supervision event (经核实的投诉、约谈、责令整改、警告 …), written as a credit record."""

    event_type: str = Field(min_length=2, max_length=16, description="监管事件类型（中文，如 约谈）")
    reason: str = Field(min_length=2, max_length=500, description="事由")
    basis: str | None = Field(default=None, max_length=300, description="依据")
    document_no: str = Field(min_length=2, max_length=64, description="文书编号")
    decided_on: InputDate


class EventRead(BaseModel):
    """A supervision event as the reader may see it (decided by the rule core)."""

    record_id: int
    event_type: str
    reason: str
    document_no: str | None
    decided_on: dt.date | None
    authority: str | None
    disclosure: str


class ReportIn(BaseModel):
    """A report the agency issued on a subject, filed by its SHA-256 (the document stays with the agency)."""

    subject_code: str = Field(min_length=18, max_length=18, description="报告对象的统一社会信用代码")
    report_no: str = Field(min_length=2, max_length=64)
    title: str = Field(min_length=2, max_length=200)
    purpose: str = Field(min_length=2, max_length=32, description="报告用途编码")
    issued_on: InputDate
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$", description="报告文件的 SHA-256（小写十六进制）")


class ReportRead(BaseModel):
    """A filed report."""

    id: int
    record_id: int
    report_no: str
    title: str
    subject_name: str
    purpose: Labelled
    issued_on: dt.date
    sha256: str


class AgencyDetail(BaseModel):
    """An agency with what the caller may see: practitioners only for government, itself and the centre."""

    agency: AgencyRead
    audience: str
    practitioners_visible: bool
    practitioners_reason: str
    practitioners: list[PractitionerRead]
    events: list[EventRead]
    reports: list[ReportRead]


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
