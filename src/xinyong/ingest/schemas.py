"""Typed input and output of the ingest API (batches, the 未关联 queue, quality KPIs)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from xinyong.kit.schema import IsoDate, JsonObject, Timestamp


class BatchCounts(BaseModel):
    """What a batch did: the counts add up to the rows read."""

    batch_id: int
    source: str
    rows: int
    accepted: int
    updated: int
    duplicate: int
    rejected: int
    unresolved: int
    archived: int = Field(description="收到时已超过保存期限、仅存档的行")
    subjects_created: int


class BatchResult(BatchCounts):
    """The answer to a posted batch."""

    notices: int = Field(description="生成的信用修复告知书份数")
    file_format: str
    encoding: str | None
    already_ingested: bool = Field(description="同一文件此前已入库（未做任何更改）")
    unknown_columns: list[str]
    warnings: list[str]


class DepartmentBatchStat(BaseModel):
    """A batch's counts for one department."""

    department_id: int | None
    rows: int
    accepted: int
    updated: int
    duplicate: int
    rejected: int
    unresolved: int
    archived: int
    code_errors: int
    code_conflicts: int


class BatchRead(BatchCounts):
    """A stored batch with its per-department statistics."""

    file_format: str
    encoding: str | None
    unknown_columns: list[str]
    warnings: list[str]
    department_id: int | None
    file_name: str | None
    file_hash: str | None
    status: str
    policy_hash: str | None
    received_at: Timestamp
    finished_at: Timestamp | None
    departments: list[DepartmentBatchStat]


class Candidate(BaseModel):
    """A subject the queue row may belong to, ranked by name similarity."""

    subject_id: int
    name: str
    uscc: str | None
    region_code: str | None
    score: float
    reasons: list[str]


class UnresolvedRead(BaseModel):
    """A 未关联 queue row as the feed sent it, with its candidates."""

    id: int
    batch_id: int
    department_id: int
    source_id: str
    catalog_item: str
    subject_name: str | None
    region_code: str | None
    subject_category: str | None
    document_no: str | None
    decision_on: IsoDate | None
    status: str
    subject_id: int | None
    record_id: int | None
    candidates: list[Candidate]
    payload: JsonObject = Field(description="报送的原始字段（按来源目录）")


class DecisionIn(BaseModel):
    """A reviewer's decision on a candidate."""

    subject_id: int
    same: bool


class DecisionResult(BaseModel):
    """What a reviewer's decision changed."""

    id: int
    same: bool
    subject_id: int
    linked: list[int] = Field(description="因此关联的队列行")
    status: str


class DepartmentQuality(BaseModel):
    """One department's intake KPIs for a period."""

    department_id: int | None
    department_code: str
    period: str
    rows: int
    rejected: int
    intake_rate: float | None
    link_rate: float | None
    timely_rate: float | None
    complete_rate: float | None
    code_error_rate: float | None


class QualityReport(BaseModel):
    """Intake KPIs per department and period."""

    period: str | None
    policy_hash: str
    departments: list[DepartmentQuality]
    warnings: list[str]
