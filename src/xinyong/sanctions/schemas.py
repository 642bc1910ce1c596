"""Pydantic I/O of the check, feedback and screening endpoints."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator

from xinyong.kit.dates import InputDate
from xinyong.kit.schema import IsoDate, JsonObject


class SubjectQueryIn(BaseModel):
    """One subject: a code, or a name with an optional region (code or name) and legal representative."""

    model_config = ConfigDict(extra="forbid")

    code: str | None = Field(default=None, max_length=32)
    name: str | None = Field(default=None, max_length=200)
    region: str | None = Field(default=None, max_length=20)


class CheckIn(BaseModel):
    """Body of ``POST /api/v1/check``: one subject (code or name) or ``subjects`` (a batch)."""

    model_config = ConfigDict(extra="forbid")

    scenario: str = Field(max_length=40)
    code: str | None = Field(default=None, max_length=32)
    name: str | None = Field(default=None, max_length=200)
    region: str | None = Field(default=None, max_length=20)
    subjects: list[SubjectQueryIn] | None = Field(default=None, max_length=10_000)
    explain: bool = False
    on: InputDate | None = Field(default=None, description="核查日期（默认今天；用于复核历史核查）")
    known: str | None = Field(
        default=None,
        max_length=40,
        description="已知日期（交易时间；仅信用中心与审计可指定：按平台当时已收到的信息核查，历史日期默认取 on）",
    )

    @model_validator(mode="after")
    def _one_form(self) -> CheckIn:
        single = bool(self.code or self.name)
        if single == (self.subjects is not None):
            raise ValueError("须提供 code/name（单个主体）或 subjects（批量），且只能二选一")
        return self


class FeedbackItemIn(BaseModel):
    """Feedback on one hit: executed, or not executed with a reason."""

    model_config = ConfigDict(extra="forbid")

    hit_no: int = Field(ge=1)
    executed: bool
    reason: str | None = Field(default=None, max_length=500)


class FeedbackIn(BaseModel):
    """Body of ``POST /api/v1/check/{check_id}/feedback``."""

    model_config = ConfigDict(extra="forbid")

    items: list[FeedbackItemIn] = Field(min_length=1, max_length=10_000)


class ScreenIn(BaseModel):
    """Body of ``POST /api/v1/screen``."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=2, max_length=200)
    region: str | None = Field(default=None, max_length=20)
    legal_rep: str | None = Field(default=None, max_length=100)
    threshold: float | None = Field(default=None, ge=0, le=1)
    top_k: int | None = Field(default=None, ge=1, le=100)


class ScreenDecisionIn(BaseModel):
    """A reviewer's decision on a screened pair."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=2, max_length=200)
    candidate_kind: str = Field(pattern="^(subject|list)$")
    candidate_id: int
    decision: str = Field(pattern="^(different|same)$")
    reason: str | None = Field(default=None, max_length=500)


class FeedbackResult(BaseModel):
    """What a feedback call recorded."""

    check_id: str
    updated: int
    pending: int = Field(description="仍待反馈的命中数")


class DepartmentCompliance(BaseModel):
    """One department's hits and feedback."""

    department: str | None
    department_name: str | None
    hits: int
    feedback_given: int
    executed: int
    overdue: int
    mandatory_without_feedback: int


class Compliance(BaseModel):
    """Hits, feedback given and feedback overdue per department."""

    as_of: IsoDate
    departments: list[DepartmentCompliance]


class ScreenQueryEcho(BaseModel):
    """The screened name as normalised for matching."""

    name: str
    normalised: str
    core: str
    region: str | None


class ScreenFeatures(BaseModel):
    """Per-feature similarity of a candidate (``None``: not compared)."""

    exact: float
    core: float
    pinyin: float
    region: float | None
    legal_rep: float | None


class ScreenCandidate(BaseModel):
    """A list entry or subject resembling the screened name; fields by kind (unset ones are left out)."""

    kind: str = Field(description="subject（主体）或名单条目")
    id: int
    name: str
    score: float
    features: ScreenFeatures
    code: str | None = Field(default=None, description="主体：统一社会信用代码")
    subject_kind: str | None = None
    region_code: str | None = None
    catalog_item: str | None = Field(default=None, description="名单条目：目录项")
    subject_id: int | None = None
    document_no: str | None = None


class ScreenResult(BaseModel):
    """Candidates above the threshold, with explanations."""

    query: ScreenQueryEcho
    threshold: float
    excluded_by_review: int = Field(description="因复核判定为不同主体而排除的候选数")
    candidates: list[ScreenCandidate]


class ScreenDecisionResult(BaseModel):
    """A stored screening decision."""

    id: int
    decision: str


class Ping(BaseModel):
    """A constant answer."""

    status: str


class CheckAnswer(BaseModel):
    """The 核查 answer (served as pre-serialised bytes by the hot path; this model documents it)."""

    check_id: str
    scenario: str
    scenario_label: str | None
    checked_on: IsoDate
    due_on: IsoDate | None = Field(description="命中措施的反馈期限")
    due_on_provisional: bool
    due_on_note: str | None
    policy_hash: str
    known_at: str | None = Field(default=None, description="按当时已知信息核查时的交易时间截点")
    result_hash: str = Field(description="results 数组紧凑 UTF-8 JSON 字节的 SHA-256")
    results: list[JsonObject] = Field(
        description="每个被核查主体一项：query、subject、hits（含措施、依据与证据）、rewards、grade、"
        "supervision_class、commitment（explain 时另含 explanations）"
    )
