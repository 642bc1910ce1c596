"""Typed output of the policy simulation API (the stored result, as JSON)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel

from xinyong.kit.schema import Timestamp


class ProposalRead(BaseModel):
    """The proposal simulated."""

    id: str
    name: str
    description: str
    basis: str
    mode: Literal["overlay", "full"]


class Example(BaseModel):
    """An example subject of a cell (and the record that changed, for visibility)."""

    subject_id: int
    name: str
    record_id: int | None = None


class Summary(BaseModel):
    """What would change, in totals."""

    subjects: int
    grade_up: int
    grade_down: int
    grade_other: int
    class_changed: int
    became_visible: int
    became_hidden: int
    measures_new: int
    measures_stopped: int
    input_reads: int


class TransitionMatrix(BaseModel):
    """Grades before (rows) and after (columns) on one scale, highest first, then 未评价."""

    scale: str
    grades: list[str]
    matrix: list[list[int]]


class ClassMatrix(BaseModel):
    """Supervision classes (default rule) before (rows) and after (columns); 无 = no class."""

    classes: list[str]
    matrix: list[list[int]]


class GradeCell(BaseModel):
    """Subjects of one county, industry and kind moving from one grade/class to another."""

    county: str
    industry: str
    kind: str
    grade_from: str
    grade_to: str
    direction: Literal["up", "down", "same", "other"]
    class_from: str
    class_to: str
    count: int
    examples: list[Example]


class AudienceChange(BaseModel):
    """Per audience: records that become visible or hidden."""

    audience: str
    label: str
    became_visible: int
    became_hidden: int


class VisibilityCell(BaseModel):
    """Records of one audience, county, industry and kind whose visibility changes one way."""

    audience: str
    label: str
    shown: bool
    county: str
    industry: str
    kind: str
    count: int
    examples: list[Example]


class Visibility(BaseModel):
    """Record visibility per audience (``compared``: false when the disclosure rules are unchanged)."""

    compared: bool
    records_decided: int
    audiences: list[AudienceChange]
    cells: list[VisibilityCell]


class MeasureChange(BaseModel):
    """Per measure: subjects that newly hit it or stop hitting it."""

    id: str
    name: str
    new: int
    stopped: int


class MeasureCell(BaseModel):
    """Subjects of one county, industry and kind that newly hit (or stop hitting) one measure."""

    measure: str
    name: str
    change: Literal["new", "stopped"]
    county: str
    industry: str
    kind: str
    count: int
    examples: list[Example]


class Measures(BaseModel):
    """Measure hits (``scope``: all subjects, or only those whose grade changed when only models changed)."""

    scope: Literal["all", "grade_changed"]
    subjects_matched: int
    measures: list[MeasureChange]
    cells: list[MeasureCell]


class CountyRow(BaseModel):
    """Totals of one county."""

    county: str
    grade_up: int
    grade_down: int
    grade_other: int
    class_changed: int
    visible: int
    hidden: int
    measures_new: int
    measures_stopped: int


class SimulationRead(BaseModel):
    """A stored simulation: both policy hashes, the day, and what would change."""

    id: int
    proposal: ProposalRead
    on: dt.date
    current_hash: str
    proposed_hash: str
    created_at: Timestamp
    actor: str
    seconds: float
    changed_files: list[str]
    summary: Summary
    transitions: list[TransitionMatrix]
    class_matrix: ClassMatrix
    grade_cells: list[GradeCell]
    visibility: Visibility
    measures: Measures
    by_county: list[CountyRow]
    timings: dict[str, float]
