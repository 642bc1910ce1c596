"""Typed output of the evaluation API (one subject's evaluation and class, runs, distributions)."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field, computed_field

from xinyong.kit.schema import IsoDate, JsonObject, Timestamp

GradeCounts = dict[str, int]
"""Subjects per grade name (a grade is a name on its model's scale)."""


class Contribution(BaseModel):
    """What one indicator added or took away, with the records behind it."""

    indicator: str
    name: str
    dimension: str
    value: float | None
    points: int | float
    max_points: int | float | None
    records: list[int]


class ReasonCode(BaseModel):
    """A reason the score is lower than it could be."""

    code: str
    name: str
    points_lost: int | float


class Advice(BaseModel):
    """How the subject could improve, and from when."""

    indicator: str
    name: str
    text: str
    possible_gain: int | float
    earliest_on: IsoDate | None


class StoredResult(BaseModel):
    """The subject's result as stored by the latest batch run (or its amendment)."""

    run_id: int
    kind: str
    amends_run_id: int | None
    as_of: IsoDate
    score: int | float | None
    grade: str | None
    cause: str | None
    reason: str | None


class SubjectEvaluation(BaseModel):
    """One subject's evaluation with contributions, reasons and advice."""

    subject_id: int
    name: str
    kind: str
    as_of: IsoDate
    known_at: dt.datetime | None = None  # transaction-time cut-off (None: everything stored when answered)
    model_id: str
    model_version: str
    use: str
    policy_hash: str
    score: int | float
    grade: str
    contributions: list[Contribution]
    reason_codes: list[ReasonCode]
    advice: list[Advice]
    objection_records: list[int] = Field(description="异议中的记录（不计入评价）")
    stored: StoredResult | None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def rewards_only(self) -> bool:
        """Tell whether the model's score serves positive incentives only (not published, no sanctions)."""
        return self.use == "positive_only"


class RuleRef(BaseModel):
    """A supervision rule by id and version."""

    id: str
    version: str


class InspectionRatio(BaseModel):
    """The share of subjects of a class drawn for 双随机 inspections."""

    min: float | None
    max: float | None
    target: float | None


class SupervisionClass(BaseModel):
    """A subject's supervision class under one department's rule."""

    model_config = ConfigDict(populate_by_name=True)

    subject_id: int
    name: str
    department: str
    rule: RuleRef
    class_: str = Field(alias="class")
    label: str
    inspection_ratio: InspectionRatio
    frequency: str | None
    grade: str | None
    score: int | float | None
    run_id: int | None
    as_of: IsoDate
    known_at: dt.datetime | None = None  # transaction-time cut-off (None: everything stored when answered)
    policy_hash: str


class RunSummary(BaseModel):
    """A batch evaluation run."""

    run_id: int
    kind: str
    amends_run_id: int | None
    cause: str | None
    as_of: IsoDate
    status: str
    engine: str
    subjects: int
    model_versions: dict[str, str]
    policy_hash: str
    counts: JsonObject
    timings: JsonObject
    psi: dict[str, float] = Field(description="各模型相对上一批次的 PSI")
    previous_run_id: int | None
    started_at: Timestamp
    finished_at: Timestamp | None


class Distribution(BaseModel):
    """A run's grade distribution overall, by model, county and industry, and its PSI."""

    run_id: int
    as_of: IsoDate
    previous_run_id: int | None
    psi: dict[str, float]
    overall: GradeCounts = {}
    by_model: dict[str, GradeCounts] = {}
    by_county: dict[str, GradeCounts] = {}
    by_industry: dict[str, GradeCounts] = {}
    by_model_county: dict[str, dict[str, GradeCounts]] = {}
    by_model_industry: dict[str, dict[str, GradeCounts]] = {}
    score_bins: dict[str, dict[str, int]] = {}
