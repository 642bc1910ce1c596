"""Calibration report (pure): each model's grade distribution beside its reference distribution.

The reference lives in the model's YAML (``reference``) with its source: a distribution an authority
published (Zhejiang's 2018 enterprise figures) or a target the city sets where none is published. The
report shows both, grade by grade from the highest to the lowest, with the gap in percentage points.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from xinyong.evaluation.spec import EvaluationModel

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
