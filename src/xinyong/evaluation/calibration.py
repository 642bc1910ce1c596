"""Calibration report (pure): each model's grade distribution beside its reference distribution.

The reference lives in the model's YAML (``reference``) with its source: a distribution an authority
published (Zhejiang's 2018 enterprise figures) or a target the city sets where none is published. The
report shows both, grade by grade from the highest to the lowest, with the gap in percentage points.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from xinyong.evaluation.spec import EvaluationModel, ModelSet

KIND_LABEL = {"published": "公开发布的分布", "target": "本市设定的目标分布"}


@dataclass(frozen=True)
class Row:
    """One grade of one model: how many subjects got it, their share and the reference share."""

    grade: str
    count: int
    share: float
    reference: float | None

    @property
    def gap_points(self) -> float | None:
        """Return the share minus the reference, in percentage points (``None`` without a reference)."""
        return None if self.reference is None else round((self.share - self.reference) * 100, 1)


@dataclass(frozen=True)
class ModelCalibration:
    """The calibration of one model in one run."""

    model: EvaluationModel
    total: int
    rows: tuple[Row, ...]

    @property
    def max_gap(self) -> float | None:
        """Return the largest absolute gap in percentage points (``None`` without a reference)."""
        gaps = [abs(r.gap_points) for r in self.rows if r.gap_points is not None]
        return max(gaps) if gaps else None


def calibrate(
    by_model: Mapping[str, Mapping[str, int]], models: list[EvaluationModel]
) -> list[ModelCalibration]:
    """Return each model's distribution (``by_model``: model id -> grade -> count) beside its reference."""
    out = []
    for model in models:
        counts = by_model.get(model.id, {})
        total = sum(counts.values())
        ref = model.reference.shares if model.reference else {}
        rows = tuple(
            Row(
                b.grade,
                counts.get(b.grade, 0),
                counts.get(b.grade, 0) / total if total else 0.0,
                ref.get(b.grade),
            )
            for b in model.grades
        )
        out.append(ModelCalibration(model, total, rows))
    return out


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def report_lines(calibrations: list[ModelCalibration]) -> list[str]:
    """Return the printed calibration table, one block per model."""
    lines: list[str] = []
    for c in calibrations:
        m = c.model
        lines.append(f"{m.name}（{m.id} {m.version}）：参评主体 {c.total} 个")
        if m.reference is not None:
            lines.append(f"  参考：{KIND_LABEL[m.reference.kind]}。来源：{m.reference.source}")
            lines.append(f"  依据：{m.reference.basis}")
        else:
            lines.append("  参考：未设定参考分布")
        lines.append("  " + "\t".join(["等级", "主体数", "本批次", "参考", "差（百分点）"]))
        for r in c.rows:
            gap = "—" if r.gap_points is None else f"{r.gap_points:+.1f}"
            lines.append("  " + "\t".join([r.grade, str(r.count), _pct(r.share), _pct(r.reference), gap]))
    return lines


@dataclass(frozen=True)
class ScaleDistribution:
    """A run's grades on one scale: the models using it, grades from the lowest, counts by group."""

    key: str
    label: str
    grades: list[str]
    overall: dict[str, int]
    by_county: dict[str, dict[str, int]]
    by_industry: dict[str, dict[str, int]]


def _merge(
    target: dict[str, dict[str, int]], groups: Mapping[str, Mapping[str, int]], grades: set[str]
) -> None:
    for group, counts in groups.items():
        bucket = target.setdefault(group, {})
        for grade, n in counts.items():
            if grade in grades:
                bucket[grade] = bucket.get(grade, 0) + int(n)


def by_scale(distribution: Mapping[str, object], models: ModelSet) -> list[ScaleDistribution]:
    """Split a run's distribution per grade scale (persons and organisations are never added together).

    Runs stored before the distribution was kept per model are split by grade name (the names of two
    scales are disjoint, ``loaders.load_models`` checks it).
    """
    dist: dict[str, object] = dict(distribution)
    out = []
    for scale in models.scales():
        names = set(scale.grades)
        ids = set(scale.model_ids)
        kinds = list(dict.fromkeys(k for m in models.models if m.id in ids for k in m.subject_kinds))
        overall: dict[str, int] = {}
        for model_id, counts in _mapping(dist.get("by_model")).items():
            if model_id in ids:
                for grade, n in _mapping(counts).items():
                    overall[grade] = overall.get(grade, 0) + int(n)
        county: dict[str, dict[str, int]] = {}
        industry: dict[str, dict[str, int]] = {}
        if "by_model_county" in dist:
            for model_id in ids:
                _merge(county, _mapping(_mapping(dist["by_model_county"]).get(model_id)), names)
                _merge(industry, _mapping(_mapping(dist.get("by_model_industry")).get(model_id)), names)
        else:
            _merge(county, _mapping(dist.get("by_county")), names)
            _merge(industry, _mapping(dist.get("by_industry")), names)
        if overall:
            out.append(
                ScaleDistribution(scale.key, "、".join(kinds), scale.grades, overall, county, industry)
            )
    return out


def _mapping(value: object) -> dict[str, Any]:
    return dict(value) if isinstance(value, Mapping) else {}
