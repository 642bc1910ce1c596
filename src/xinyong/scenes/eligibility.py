"""Whether a subject qualifies for a 信易+ scene, with the reason (pure).

Positive use only: the answer gives a benefit or gives nothing; the reason for a provider never states
the grade or the score, and says the subject is served as usual.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from xinyong.scenes.rules import Scene

AS_USUAL = "暂不满足本场景的守信激励条件，照常办理，不受任何不利对待"


@dataclass(frozen=True)
class Standing:
    """A subject's evaluation under one model."""

    model: str
    grade: str
    score: int


@dataclass(frozen=True)
class Answer:
    """The scene's answer: qualifies or not; ``reason`` for the provider, ``detail`` for the subject."""

    eligible: bool
    reason: str
    detail: str


def decide(scene: Scene, standing: Standing | None, at_least: Callable[[str, str], bool]) -> Answer:
    """Answer the scene's rule from the subject's standing under the scene's model."""
    rule = scene.eligibility
    need = f"{rule.min_grade}及以上" if rule.min_grade else f"{rule.min_score} 分及以上"
    if standing is None or standing.model != rule.model:
        return Answer(
            False, AS_USUAL, f"尚无 {rule.model} 的评价结果，暂不能享受{scene.name}（须达到{need}）"
        )
    ok = (
        at_least(standing.grade, rule.min_grade)
        if rule.min_grade
        else standing.score >= (rule.min_score or 0)
    )
    now = f"当前 {standing.score} 分（{standing.grade}），须达到{need}"
    if ok:
        return Answer(
            True, f"符合{scene.name}守信激励条件：{scene.benefit}", f"{now}，可享受：{scene.benefit}"
        )
    return Answer(False, AS_USUAL, f"{now}，暂不能享受{scene.name}")
