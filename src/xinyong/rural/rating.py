"""The 信用户 rating, pure: a household's members' facts and a rating scheme in, a level with reasons out.

No database here: ``rural.service`` gathers each member's facts through the records service.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from xinyong.rural.rules import Criterion, RatingScheme


@dataclass(frozen=True)
class MemberFacts:
    """What the rating counts for one household member (on the rating day)."""

    serious_lists_in_force: int = 0
    negative_records_in_force: int = 0
    arrears: int = 0
    commitments_broken: int = 0
    positive_records: int = 0


@dataclass(frozen=True)
class CriterionResult:
    """One criterion, met or not, with the household total it was judged on."""

    code: str
    label: str
    met: bool
    total: int


@dataclass(frozen=True)
class Rating:
    """The household's level, the scheme that gave it, and every criterion's result."""

    level_code: str
    level_name: str
    scheme_id: str
    scheme_version: str
    basis: str
    criteria: tuple[CriterionResult, ...] = field(default=())

    @property
    def reasons(self) -> tuple[str, ...]:
        """Readable reasons: each criterion, met or not."""
        return tuple(f"{'符合' if c.met else '不符合'}：{c.label}" for c in self.criteria)


def _judge(criterion: Criterion, members: tuple[MemberFacts, ...]) -> CriterionResult:
    total = sum(getattr(m, criterion.fact) for m in members)
    bound = criterion.at_most if criterion.at_most is not None else criterion.at_least or 0
    met = total <= bound if criterion.at_most is not None else total >= bound
    return CriterionResult(criterion.code, criterion.label, met, total)


def rate(scheme: RatingScheme, members: tuple[MemberFacts, ...]) -> Rating:
    """Rate a household: the first (best) level whose required criteria are all met, else the fallback.

    A household without members is not rated (there is nothing to judge it on).
    """
    results = tuple(_judge(c, members) for c in scheme.criteria)
    met = {r.code for r in results if r.met}
    level = next((lv for lv in scheme.levels if set(lv.requires) <= met), None) if members else None
    code, name = (level.code, level.name) if level else (scheme.fallback.code, scheme.fallback.name)
    return Rating(code, name, scheme.id, scheme.version, scheme.basis, results)
