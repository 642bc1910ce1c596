"""Pydantic I/O of credit reports: the request, the signed content (the JSON twin), verification."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, computed_field

from xinyong.kit.dates import InputDate
from xinyong.reports.models import ReportEventKind
from xinyong.subjects.schemas import SubjectBasics

FORMAT = "xinyong.credit-report/1"


class ReportKind(enum.StrEnum):
    """Kinds of report."""

    PUBLIC = "public"  # 公开版：任何人，仅公开信息
    FULL = "full"  # 完整版：主体本人或经主体授权的查询方
    SPECIAL = "special"  # 专项信用报告（信用代证）


KIND_LABELS = {
    ReportKind.PUBLIC: "公共信用信息报告（公开版）",
    ReportKind.FULL: "公共信用信息报告（完整版）",
    ReportKind.SPECIAL: "专项信用报告（替代有无违法违规记录证明）",
}


class Period(BaseModel):
    """A date range, both ends inclusive."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    start: InputDate = Field(alias="from", description="开始日期")
    end: InputDate = Field(alias="to", description="结束日期")


class ReportRequest(BaseModel):
    """Ask for a report."""

    model_config = ConfigDict(extra="forbid")

    code: str = Field(min_length=9, max_length=40, description="统一社会信用代码或身份证号")
    kind: ReportKind
    domains: list[str] = Field(default=[], max_length=50, description="专项报告的领域（id 或中文名称）")
    period: Period | None = Field(default=None, description="专项报告的期间（from、to）")
    purpose: str | None = Field(default=None, max_length=200, description="用途（如 投标、贷款）")
    on: InputDate | None = Field(default=None, description="档案日期（有效时间；仅信用中心可指定，默认今天）")
    known: str | None = Field(
        default=None, max_length=40, description="已知日期（交易时间；仅信用中心可指定，历史日期默认取 on）"
    )


class ReportLinks(BaseModel):
    """Where the report's files and its verify page are."""

    pdf: str
    json_: str = Field(alias="json")
    verify: str

    model_config = ConfigDict(populate_by_name=True)


class ReportIssued(BaseModel):
    """The answer to a report request."""

    number: str
    kind: ReportKind
    issued_at: dt.datetime
    pdf_sha256: str
    json_sha256: str
    links: ReportLinks


class LineField(BaseModel):
    """One displayed field of a line."""

    label: str
    value: str


class ReportLine(BaseModel):
    """One record as printed: its source department, decision number and dates, and its marks."""

    record_id: int
    catalog_name: str
    department: str | None = None
    authority: str | None = None
    document_no: str | None = None
    decision_on: dt.date | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    severity: str | None = None
    marks: list[str] = []
    disclosure: str
    fields: list[LineField] = []


class ReportSection(BaseModel):
    """One section of a credit report."""

    name: str
    count: int
    lines: list[ReportLine]


class ExcludedLine(BaseModel):
    """A record of the domain and period that does not count, and why."""

    line: ReportLine
    reason: str


class SpecialDomain(BaseModel):
    """One chosen domain of a special report."""

    id: str
    name: str
    statement: str
    found: list[ReportLine]
    excluded: list[ExcludedLine]


class SpecialPart(BaseModel):
    """The special report's own part."""

    period_from: dt.date
    period_to: dt.date
    basis: str
    counting: list[str]
    domains: list[SpecialDomain]


class GradeLine(BaseModel):
    """The public credit evaluation grade, where its model publishes grades."""

    grade: str
    as_of: dt.date
    model: str
    model_version: str


class ReportContent(BaseModel):
    """Everything a report says; the PDF prints it and the JSON twin carries it, both signed."""

    number: str
    kind: ReportKind
    title: str
    issuer: str
    issued_at: dt.datetime
    as_of: dt.date
    policy_hash: str
    audience: str
    purpose: str | None = None
    recipient: str
    verify_url: str
    subject: SubjectBasics
    summary: dict[str, int]
    grade: GradeLine | None = None
    sections: list[ReportSection]
    special: SpecialPart | None = None
    notice: str
    notes: list[str]


class Signature(BaseModel):
    """A detached signature over the canonical JSON of ``report``."""

    alg: str
    key_id: str
    certificate: str
    value: str


class ReportEnvelope(BaseModel):
    """The JSON twin as handed out."""

    format: str = FORMAT
    report: dict[str, Any]
    signature: Signature


class VerifyStatus(enum.StrEnum):
    """What verification found."""

    GENUINE = "genuine"
    ALTERED = "altered"
    REVOKED = "revoked"
    SUPERSEDED = "superseded"


STATUS_LABELS = {
    VerifyStatus.GENUINE: "真实有效：与信用平台出具的报告一致",
    VerifyStatus.ALTERED: "已被篡改：与信用平台出具的报告不一致",
    VerifyStatus.REVOKED: "已撤销：该报告已由信用平台撤销",
    VerifyStatus.SUPERSEDED: "已更正：报告所载信息其后已被更正、修复或删除，请重新申请报告",
}


EVENT_KIND_LABELS = {ReportEventKind.REVOKED: "撤销", ReportEventKind.CORRECTED: "所载信息已更正"}


class ReportEventRead(BaseModel):
    """A report event as shown to verifiers."""

    kind: str
    at: dt.datetime
    reason: str | None = None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def label(self) -> str:
        """Return what happened to the report, in Chinese."""
        return EVENT_KIND_LABELS.get(self.kind, self.kind)


class VerifyResult(BaseModel):
    """The answer of verification."""

    status: VerifyStatus
    label: str
    number: str
    kind: ReportKind
    kind_label: str
    issued_at: dt.datetime
    subject_name: str
    scope: dict[str, Any]
    document: str | None = Field(default=None, description="核验的文件类型：pdf、json；按编号查询时为空")
    signature_valid: bool | None = Field(default=None, description="PDF 或 JSON 签名是否有效")
    reasons: list[str] = []
    events: list[ReportEventRead] = []

    @computed_field  # type: ignore[prop-decorator]
    @property
    def genuine(self) -> bool:
        """Tell whether the report is genuine and in force (a verifier may rely on it)."""
        return self.status == VerifyStatus.GENUINE


class RevokeRequest(BaseModel):
    """Revoke a report."""

    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=2, max_length=500)
