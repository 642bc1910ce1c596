"""信易+ scenes as data (``policy/scenes/*.yaml``): provider, benefit, who qualifies, effective dates.

Organisation scenes are answered from an organisation model's grade; personal scenes only from the
natural-person score (its own scale), only with the person's consented token and only to give a benefit
(《浙江省公共信用信息管理条例》第十五、十九条; 国办发〔2020〕49号: 守信激励不得变相惩戒).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from xinyong.evaluation import service as evaluation_service
from xinyong.policy.base import Strict, Versioned
from xinyong.policy.loader import Policy, Problems, Section, load_dir
from xinyong.registers.institutions import institutions_of


class SceneRule(Strict):
    """Who qualifies: a grade or a score of a named model, at least."""

    model: str
    min_grade: str | None = None
    min_score: int | None = Field(default=None, ge=0)

    @model_validator(mode="after")
    def _one(self) -> SceneRule:
        if (self.min_grade is None) == (self.min_score is None):
            raise ValueError("须给出 min_grade 或 min_score 之一")
        return self


class Scene(Versioned):
    """One 信易+ scene."""

    name: str
    basis: str
    provider: str = Field(description="提供激励的机构编码（policy/institutions.yaml）")
    audience: Literal["organisation", "person"]
    benefit: str
    eligibility: SceneRule
    token_minutes: int = Field(default=30, gt=0, le=1440, description="个人授权核验令牌的有效分钟数")


class Scenes:
    """All scenes, by id."""

    def __init__(self, scenes: list[Scene]) -> None:
        self.scenes = scenes

    def __len__(self) -> int:
        return len(self.scenes)

    def get(self, scene_id: str) -> Scene | None:
        """Return the scene with ``scene_id``."""
        return next((s for s in self.scenes if s.id == scene_id), None)


def load(policy: Policy) -> Scenes:
    """Load ``policy/scenes/*.yaml``; refuse unknown providers, models and grades, and a person scene
    on an organisation model (or the reverse)."""
    problems = Problems(policy.root)
    scenes = load_dir(policy.root / "scenes", Scene, problems)
    codes = {i.code for i in institutions_of(policy).institutions}
    models = evaluation_service.models_of(policy).models
    for s in scenes:
        path = policy.root / "scenes" / f"{s.id}.yaml"
        if s.provider not in codes:
            problems.add(path, f"场景 {s.id} 的服务机构 {s.provider} 不在机构名录中")
        model = next((m for m in models if m.id == s.eligibility.model), None)
        if model is None:
            problems.add(path, f"场景 {s.id} 引用了不存在的评价模型 {s.eligibility.model}")
            continue
        if s.eligibility.min_grade is not None and s.eligibility.min_grade not in model.ranked_grades:
            problems.add(path, f"场景 {s.id}：模型 {model.id} 没有等级 {s.eligibility.min_grade}")
        personal = "自然人" in model.subject_kinds
        if personal != (s.audience == "person"):
            problems.add(path, f"场景 {s.id}：个人场景只能用自然人模型，组织场景只能用组织模型")
    problems.raise_if_any()
    return Scenes(scenes)


SECTION = Section("scenes", load)


def scenes_of(policy: Policy) -> Scenes:
    """Return the scenes (loaded once)."""
    return policy.section(SECTION)
