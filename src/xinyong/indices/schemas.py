"""What the indices answer: runs, rankings with per-indicator values and facts, imports, history."""

from __future__ import annotations

from pydantic import BaseModel


class RunSummary(BaseModel):
    """One ``indices compute``: its run id, the periods computed per index, units, seconds, policy hash."""

    run_id: str
    period: str
    indices: dict[str, list[str]]
    units: int
    seconds: float
    policy_hash: str


class IndicatorResult(BaseModel):
    """One indicator of one unit: value, points out of ``max_points`` and the facts behind them."""

    code: str
    name: str
    group: str
    value: float | None
    points: float
    max_points: float
    origin: str
    evidence: list[str]


class UnitResult(BaseModel):
    """One unit in a ranking, with the change from the period before (None: not ranked then)."""

    unit_key: str
    unit_name: str
    county: str | None
    total: float
    grade: str
    grade_name: str
    rank: int
    change: float | None
    rank_change: int | None
    gap_to_target: float | None  # total minus the reference line (negative: below it); None without one
    indicators: list[IndicatorResult]


class ReferenceLine(BaseModel):
    """A line drawn beside the totals (the national top-30 score), with its source."""

    name: str
    value: float
    source: str


class IndexResults(BaseModel):
    """An index's results for one period and unit kind, best first."""

    index_id: str
    name: str
    basis: str
    period: str
    previous_period: str
    unit_kind: str
    unit_label: str
    run_id: str | None
    policy_hash: str | None
    full_marks: float
    target: ReferenceLine | None
    units: list[UnitResult]


class IndexInfo(BaseModel):
    """An index in force: its units and the periods with results."""

    index_id: str
    name: str
    basis: str
    units: list[str]
    unit_labels: list[str]
    periods: list[str]


class HistoryPoint(BaseModel):
    """One period's total of one unit."""

    period: str
    total: float
    rank: int


class ImportReport(BaseModel):
    """An import: the batch, rows stored (0 when any row was wrong) and every error found."""

    batch_no: str | None
    index_id: str
    rows: int
    stored: int
    errors: list[str]


class EvidenceRow(BaseModel):
    """One fact behind a point, described for a person."""

    kind: str
    text: str
    subject_code: str | None = None  # the subject's USCC, for a link to its credit file
