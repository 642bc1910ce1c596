"""Evaluation models as data (公共信用评价模型): Pydantic schema of ``policy/models/*.yaml`` and its loader.

A model scores one or more subject kinds on a fixed scale (1000 points in Zhejiang's five-subject model,
spec §6.1). Dimensions hold indicators; an indicator is either an aggregate over the subject's counted
records or a subject attribute, mapped to points through a monotone points table and clamped to
``[floor, cap]``. The dimension weights (the sums of their indicators' caps) add up to the scale, and
the grade bands cover ``[0, scale]``. Everything here is checked when the policy loads.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from typing import Literal

from pydantic import Field, model_validator

from xinyong.policy.base import Strict, Versioned
from xinyong.policy.schemas import Severity

ATTRIBUTES = ("years_in_operation",)
ID_PATTERN = r"^[a-z][a-z0-9_]*$"


class Step(Strict):
    """One row of a points table: a value of at least ``at_least`` earns ``points``."""

    at_least: float = Field(ge=0)
    points: int


class RecordSelector(Strict):
    """Which counted records an indicator or a cap rule looks at.

    ``tags``: values of the record's tag (the catalog item's ``tag_fields`` of the payload joined by
    ``/``, e.g. ``纳税信用等级评价/A`` for a 信用评价结果) — empty for any; the model's ``tag_fields``
    names the fields per catalog item.
    """

    catalog_items: list[str] = []
    severities: list[Severity] = []
    window_months: int | None = Field(default=None, ge=1)
    in_force_only: bool = False
    tags: list[str] = []


class Indicator(RecordSelector):
    """An indicator (指标): what is measured and how the measure maps to points."""

    id: str = Field(pattern=ID_PATTERN)
    name: str
    source: Literal["records", "attribute"]
    # records: what to count or add up among the subject's counted records
    measure: Literal["count", "sum_amount"] = "count"
    # attribute: a fact about the subject itself
    attribute: Literal["years_in_operation"] | None = None
    missing_points: int = 0
    direction: Literal["higher_is_better", "lower_is_better"]
    points: list[Step] = Field(min_length=1)
    floor: int = Field(default=0, ge=0)
    cap: int = Field(ge=0)
    repairable: bool = False
    advice: str

    @model_validator(mode="after")
    def _consistent(self) -> Indicator:
        if self.source == "records" and not self.catalog_items:
            raise ValueError(f"指标 {self.id} 统计记录，但没有 catalog_items")
        if self.source == "attribute" and self.attribute is None:
            raise ValueError(f"指标 {self.id} 取主体属性，但没有 attribute")
        if self.source == "attribute" and self.measure != "count":
            raise ValueError(f"指标 {self.id} 是属性指标，不能设置 measure")
        cuts = [s.at_least for s in self.points]
        if cuts[0] != 0:
            raise ValueError(f"指标 {self.id} 的分值表必须从 at_least: 0 开始")
        if any(b <= a for a, b in itertools.pairwise(cuts)):
            raise ValueError(f"指标 {self.id} 的分值表 at_least 必须严格递增")
        pts = [s.points for s in self.points]
        pairs = list(itertools.pairwise(pts))
        if self.direction == "higher_is_better" and any(b < a for a, b in pairs):
            raise ValueError(f"指标 {self.id} 越高越好，分值表必须单调不减")
        if self.direction == "lower_is_better" and any(b > a for a, b in pairs):
            raise ValueError(f"指标 {self.id} 越低越好，分值表必须单调不增")
        if self.floor > self.cap:
            raise ValueError(f"指标 {self.id} 的 floor 大于 cap")
        if max(pts) > self.cap or min(pts) < self.floor:
            raise ValueError(f"指标 {self.id} 的分值表超出 [floor, cap]")
        if not self.floor <= self.missing_points <= self.cap:
            raise ValueError(f"指标 {self.id} 的 missing_points 超出 [floor, cap]")
        return self


class Dimension(Strict):
    """A dimension (维度) of the model; its weight is the sum of its indicators' caps."""

    id: str = Field(pattern=ID_PATTERN)
    name: str
    weight: int = Field(ge=0)
    indicators: list[Indicator] = Field(min_length=1)

    @model_validator(mode="after")
    def _weight(self) -> Dimension:
        total = sum(i.cap for i in self.indicators)
        if total != self.weight:
            raise ValueError(f"维度 {self.id} 的权重 {self.weight} 不等于其指标满分之和 {total}")
        return self


class Band(Strict):
    """A grade band: scores from ``min_score`` up to the next band's ``min_score``."""

    grade: str
    min_score: int = Field(ge=0)


class CapRule(RecordSelector):
    """一票否决: while a subject has a counted record the selector matches, its grade is at most ``grade``.

    The score is capped at the top of that grade's band (one below the next band's floor), so the grade
    and the score agree; e.g. a subject on the 严重失信主体名单 or a 失信被执行人 in force is 较差 whatever
    its other indicators earn.
    """

    id: str = Field(pattern=ID_PATTERN)
    name: str
    grade: str
    basis: str

    @model_validator(mode="after")
    def _selects(self) -> CapRule:
        if not self.catalog_items:
            raise ValueError(f"封顶规则 {self.id} 没有 catalog_items")
        return self


class Inputs(Strict):
    """Which lawful records the model counts (beyond the retention and repair rules)."""

    count_minor_negative: bool = False
    objection: Literal["count", "exclude"] = "count"


class Reference(Strict):
    """A reference grade distribution for calibration, with where it comes from.

    ``kind``: ``published`` — a distribution an authority published (source cited); ``target`` — a
    target the city sets for this model where no published figure exists (basis stated).
    """

    kind: Literal["published", "target"]
    source: str
    basis: str
    shares: dict[str, float]

    @model_validator(mode="after")
    def _sums(self) -> Reference:
        total = sum(self.shares.values())
        if any(v < 0 for v in self.shares.values()) or abs(total - 1.0) > 0.005:
            raise ValueError(f"参考分布的比例须为非负且合计为 1（现为 {total:.3f}）")
        return self


class EvaluationModel(Versioned):
    """A versioned evaluation model for some subject kinds."""

    name: str
    basis: str
    subject_kinds: list[str] = Field(min_length=1)
    scale: int = 1000
    use: Literal["supervision", "positive_only"] = "supervision"
    # shared: the grade goes to departments and the subject itself (共享); public: also shown on the portal
    # (公示). Natural persons' scores are for positive use only and never public.
    grade_disclosure: Literal["shared", "public"] = "shared"
    inputs: Inputs = Inputs()
    dimensions: list[Dimension] = Field(min_length=1)
    grades: list[Band] = Field(min_length=2)
    caps: list[CapRule] = []
    reference: Reference | None = None
    # catalog item -> payload fields whose values, joined by "/", make a record's tag (``RecordSelector.tags``)
    tag_fields: dict[str, list[str]] = {}

    @model_validator(mode="after")
    def _shape(self) -> EvaluationModel:
        total = sum(d.weight for d in self.dimensions)
        if total != self.scale:
            raise ValueError(f"模型 {self.id} 的维度权重之和 {total} 不等于总分 {self.scale}")
        ids = [i.id for i in self.indicators]
        if len(set(ids)) != len(ids):
            raise ValueError(f"模型 {self.id} 的指标 id 重复")
        mins = [b.min_score for b in self.grades]
        if any(b >= a for a, b in itertools.pairwise(mins)):
            raise ValueError(f"模型 {self.id} 的等级按 min_score 从高到低排列且不能重复")
        if self.grade_disclosure == "public" and self.use == "positive_only":
            raise ValueError(f"模型 {self.id} 仅用于正向激励，评价等级不得向社会公示")
        if mins[-1] != 0 or mins[0] > self.scale:
            raise ValueError(f"模型 {self.id} 的等级必须覆盖 0–{self.scale} 全部分数")
        names = [b.grade for b in self.grades]
        if len(set(names)) != len(names):
            raise ValueError(f"模型 {self.id} 的等级名称重复")
        if self.reference is not None and set(self.reference.shares) != set(names):
            raise ValueError(f"模型 {self.id} 的参考分布须逐一列出其等级 {names}")
        for cap in self.caps:
            if cap.grade not in names:
                raise ValueError(f"模型 {self.id} 的封顶规则 {cap.id} 的等级 {cap.grade} 不在等级表中")
        selectors: list[CapRule | Indicator] = [
            *self.caps,
            *(i for i in self.indicators if i.source == "records"),
        ]
        for sel in selectors:
            if sel.tags and any(item not in self.tag_fields for item in sel.catalog_items):
                raise ValueError(f"模型 {self.id}：{sel.id} 按标签筛选，须为其目录项在 tag_fields 中写明字段")
        return self

    def cap_score(self, cap: CapRule) -> int:
        """Return the highest score a cap rule allows: the top of its grade's band."""
        i = next(n for n, b in enumerate(self.grades) if b.grade == cap.grade)
        return self.scale if i == 0 else self.grades[i - 1].min_score - 1

    @property
    def ranked_grades(self) -> list[str]:
        """Return the grade names from the lowest to the highest."""
        return [b.grade for b in reversed(self.grades)]

    def at_least(self, grade: str, minimum: str) -> bool:
        """Tell whether ``grade`` is ``minimum`` or better on this model's scale."""
        ranked = self.ranked_grades
        return grade in ranked and minimum in ranked and ranked.index(grade) >= ranked.index(minimum)

    @property
    def indicators(self) -> list[Indicator]:
        """Return every indicator, in dimension order."""
        return [i for d in self.dimensions for i in d.indicators]

    def grade_for(self, score: int) -> str:
        """Return the grade band of a score."""
        for band in self.grades:
            if score >= band.min_score:
                return band.grade
        return self.grades[-1].grade


@dataclass(frozen=True)
class ModelSet:
    """All evaluation models, with the one in force for a subject kind on a date."""

    models: tuple[EvaluationModel, ...]

    def __len__(self) -> int:
        return len(self.models)

    def get(self, model_id: str, version: str) -> EvaluationModel | None:
        """Return the model with this id and version (the one a stored result names), or ``None``."""
        return next((m for m in self.models if m.id == model_id and m.version == version), None)

    def for_kind(self, kind: str, on: dt.date) -> EvaluationModel | None:
        """Return the model in force on ``on`` for ``kind``, or ``None``."""
        for m in self.models:
            if kind in m.subject_kinds and m.in_force(on):
                return m
        return None

    def in_force(self, on: dt.date) -> list[EvaluationModel]:
        """Return every model in force on ``on``."""
        return [m for m in self.models if m.in_force(on)]

    def scales(self) -> list[GradeScale]:
        """Return the grade scales: models with the same grade names (from the lowest) share one."""
        found: dict[tuple[str, ...], list[EvaluationModel]] = {}
        for m in self.models:
            found.setdefault(tuple(m.ranked_grades), []).append(m)
        return [
            GradeScale(list(grades), [m.id for m in ms], [m.name for m in ms]) for grades, ms in found.items()
        ]


@dataclass(frozen=True)
class GradeScale:
    """A grade scale: its grade names from the lowest to the highest, and the models that use it."""

    grades: list[str]
    model_ids: list[str]
    model_names: list[str]

    @property
    def key(self) -> str:
        """Return a stable key for the scale (the first model's id)."""
        return self.model_ids[0]
