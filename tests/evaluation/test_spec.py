"""Evaluation models and supervision rules load from policy/ and broken copies are refused."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
import yaml

from xinyong.errors import PolicyError
from xinyong.evaluation.loaders import load_models, load_supervision
from xinyong.policy.loader import Policy, load_policy
from xinyong.policy_sections import check_sections
from xinyong.subjects.models import SubjectKind


@pytest.fixture
def policy_copy(tmp_path: Path, repo_root: Path) -> Path:
    dest = tmp_path / "policy"
    shutil.copytree(repo_root / "policy", dest)
    return dest


def _edit(path: Path, change: object) -> None:
    data = yaml.safe_load(path.read_text("utf-8"))
    change(data)  # type: ignore[operator]
    path.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")


def test_every_subject_kind_has_a_1000_point_model(policy: Policy) -> None:
    models = load_models(policy)
    on = dt.date(2026, 10, 31)
    for kind in SubjectKind:
        model = models.for_kind(kind.value, on)
        assert model is not None, kind
        assert model.scale == 1000
        assert sum(d.weight for d in model.dimensions) == 1000
    person = models.for_kind("自然人", on)
    assert person is not None
    assert person.use == "positive_only"
    assert [b.grade for b in person.grades] == ["信用极好", "信用优秀", "信用良好", "信用一般", "信用待提高"]
    assert models.for_kind("企业法人", on) is models.for_kind("村集体经济组织", on)


def test_sections_registered(policy: Policy) -> None:
    sizes = check_sections(policy)
    assert sizes["models"] == 6
    assert sizes["supervision"] >= 1


def test_non_monotone_points_table_is_refused(policy_copy: Path) -> None:
    def change(d: dict) -> None:  # type: ignore[type-arg]
        d["dimensions"][1]["indicators"][0]["points"][2]["points"] = 999

    _edit(policy_copy / "models" / "tz-enterprise.yaml", change)
    with pytest.raises(PolicyError, match="单调不增"):
        load_models(load_policy(policy_copy))


def test_weights_must_sum_to_scale(policy_copy: Path) -> None:
    def change(d: dict) -> None:  # type: ignore[type-arg]
        d["dimensions"][0]["weight"] = 90
        d["dimensions"][0]["indicators"][0]["cap"] = 90
        for step in d["dimensions"][0]["indicators"][0]["points"]:
            step["points"] = min(step["points"], 90)

    _edit(policy_copy / "models" / "tz-enterprise.yaml", change)
    with pytest.raises(PolicyError, match="不等于总分"):
        load_models(load_policy(policy_copy))


def test_bands_must_cover_the_scale(policy_copy: Path) -> None:
    def change(d: dict) -> None:  # type: ignore[type-arg]
        d["grades"][-1]["min_score"] = 100

    _edit(policy_copy / "models" / "tz-government.yaml", change)
    with pytest.raises(PolicyError, match="覆盖"):
        load_models(load_policy(policy_copy))


def test_unknown_catalog_item_and_overlapping_versions(policy_copy: Path) -> None:
    def change(d: dict) -> None:  # type: ignore[type-arg]
        d["dimensions"][1]["indicators"][0]["catalog_items"] = ["nosuch"]

    _edit(policy_copy / "models" / "tz-enterprise.yaml", change)
    twin = policy_copy / "models" / "tz-enterprise-2.yaml"
    shutil.copy(policy_copy / "models" / "tz-social-organisation.yaml", twin)
    _edit(twin, lambda d: d.update(id="tz-so-2"))
    with pytest.raises(PolicyError) as err:
        load_models(load_policy(policy_copy))
    assert "nosuch" in err.value.message
    assert "生效期重叠" in err.value.message


def test_supervision_must_map_every_grade(policy_copy: Path) -> None:
    def change(d: dict) -> None:  # type: ignore[type-arg]
        d["classes"][3]["grades"] = []

    _edit(policy_copy / "supervision" / "default.yaml", change)
    with pytest.raises(PolicyError, match="较差"):
        load_supervision(load_policy(policy_copy))


def test_supervision_ratio_must_lie_in_range(policy_copy: Path) -> None:
    def change(d: dict) -> None:  # type: ignore[type-arg]
        d["classes"][0]["ratio"] = 0.3

    _edit(policy_copy / "supervision" / "default.yaml", change)
    with pytest.raises(PolicyError, match="ratio_min"):
        load_supervision(load_policy(policy_copy))
