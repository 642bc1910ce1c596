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
from xinyong.subjects.models import MEMBER_KINDS, SubjectKind


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
        if kind in MEMBER_KINDS:  # a household is rated from its members (policy/rural), not scored
            assert model is None, kind
            continue
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


def _person_grade_shared(d: dict) -> None:  # type: ignore[type-arg]
    d["grades"][1]["grade"] = "优秀"
    d["reference"]["shares"]["优秀"] = d["reference"]["shares"].pop("信用优秀")


def _cap_unknown_grade(d: dict) -> None:  # type: ignore[type-arg]
    d["caps"][0]["grade"] = "丁等"


def _tags_without_fields(d: dict) -> None:  # type: ignore[type-arg]
    del d["tag_fields"]["xypj"]


def _tag_field_unknown(d: dict) -> None:  # type: ignore[type-arg]
    d["tag_fields"]["xycn"] = ["CN_NOPE"]


def _reference_not_summing(d: dict) -> None:  # type: ignore[type-arg]
    d["reference"]["shares"]["优秀"] = 0.5


def _reference_missing_grade(d: dict) -> None:  # type: ignore[type-arg]
    del d["reference"]["shares"]["较差"]


@pytest.mark.parametrize(
    ("model", "change", "message"),
    [
        (
            "tz-natural-person",
            _person_grade_shared,
            "共用等级名称",
        ),  # persons and organisations: two namespaces
        ("tz-enterprise", _cap_unknown_grade, "丁等"),
        ("tz-enterprise", _tags_without_fields, "tag_fields"),
        ("tz-government", _tag_field_unknown, "CN_NOPE"),
        ("tz-enterprise", _reference_not_summing, "合计为 1"),
        ("tz-enterprise", _reference_missing_grade, "参考分布"),
    ],
)
def test_scales_caps_tags_and_references_are_checked(
    policy_copy: Path, model: str, change: object, message: str
) -> None:
    _edit(policy_copy / "models" / f"{model}.yaml", change)
    with pytest.raises(PolicyError, match=message):
        load_models(load_policy(policy_copy))


def test_organisation_models_share_a_scale_and_persons_have_their_own(policy: Policy) -> None:
    scales = load_models(policy).scales()
    by_first = {s.key: s for s in scales}
    assert len(scales) == 2
    org = next(s for s in scales if "tz-enterprise" in s.model_ids)
    assert org.grades == ["较差", "中等", "良好", "优秀"]  # from the lowest to the highest
    assert set(org.model_ids) == {
        "tz-enterprise",
        "tz-individual-business",
        "tz-social-organisation",
        "tz-public-institution",
        "tz-government",
    }
    person = by_first["tz-natural-person"]
    assert person.grades[0] == "信用待提高"
    assert person.grades[-1] == "信用极好"
    assert not set(person.grades) & set(org.grades)


def test_listed_subjects_are_capped_at_the_lowest_grade_in_every_model(policy: Policy) -> None:
    for model in load_models(policy).models:
        caps = {c.id: c for c in model.caps}
        assert "serious_listed" in caps, model.id
        cap = caps["serious_listed"]
        assert set(cap.catalog_items) == {"yzsxmd", "sxbzxr"}
        assert cap.in_force_only
        assert cap.grade == model.grades[-1].grade
        assert model.grade_for(model.cap_score(cap)) == cap.grade
        assert model.reference is not None
        assert model.reference.source


def test_government_model_uses_government_integrity_indicators(policy: Policy) -> None:
    gov = load_models(policy).for_kind("政府机构", dt.date(2026, 10, 31))
    assert gov is not None
    ids = {i.id for i in gov.indicators}
    assert {"dishonest_debtor", "contract_breach_36m", "judgment_36m"} <= ids
    assert "years_in_operation" not in ids
    assert not any("jyycml" in i.catalog_items for i in gov.indicators)  # 经营异常名录 is for businesses
