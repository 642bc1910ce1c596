"""The calibration report: each model's grade distribution beside its reference, with the source."""

from __future__ import annotations

import datetime as dt

import pytest

from xinyong.evaluation.calibration import calibrate, report_lines
from xinyong.evaluation.loaders import load_models
from xinyong.evaluation.spec import EvaluationModel
from xinyong.policy.loader import Policy

ON = dt.date(2026, 10, 31)


@pytest.fixture
def models(policy: Policy) -> list[EvaluationModel]:
    return load_models(policy).in_force(ON)


def test_shares_and_gaps_against_the_published_reference(models: list[EvaluationModel]) -> None:
    enterprise = next(m for m in models if m.id == "tz-enterprise")
    (cal,) = calibrate({"tz-enterprise": {"优秀": 3, "良好": 80, "中等": 15, "较差": 2}}, [enterprise])
    assert cal.total == 100
    assert [r.grade for r in cal.rows] == ["优秀", "良好", "中等", "较差"]  # the model's order, highest first
    assert [r.count for r in cal.rows] == [3, 80, 15, 2]
    assert [r.reference for r in cal.rows] == [0.023, 0.764, 0.200, 0.013]
    assert [r.gap_points for r in cal.rows] == [0.7, 3.6, -5.0, 0.7]
    assert cal.max_gap == 5.0
    lines = report_lines([cal])
    assert lines[0].startswith("台州市企业公共信用评价模型（tz-enterprise 2026.2）：参评主体 100 个")
    assert "公开发布的分布" in lines[1]
    assert "zjvnet.com" in lines[1]
    assert lines[-4].split("\t") == ["  优秀", "3", "3.0%", "2.3%", "+0.7"]


def test_every_model_states_its_reference_and_whether_it_is_a_target(models: list[EvaluationModel]) -> None:
    cals = calibrate({}, models)
    assert {c.model.id for c in cals} == {m.id for m in models}
    for c in cals:
        assert c.total == 0
        assert all(r.count == 0 for r in c.rows)
        assert c.model.reference is not None
    kinds = {c.model.id: c.model.reference.kind for c in cals if c.model.reference}
    assert kinds["tz-enterprise"] == "published"
    assert kinds["tz-natural-person"] == "target"  # Zhejiang published no grades for persons
    assert kinds["tz-individual-business"] == "target"
    text = "\n".join(report_lines(cals))
    assert "本市设定的目标分布" in text
    assert "信用待提高" in text
