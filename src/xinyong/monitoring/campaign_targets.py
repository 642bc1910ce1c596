"""A campaign's targets, derived from its rule with the signals' own machinery, and who handles each.

The rule's condition is evaluated exactly as a signal's (``changes.candidates`` narrows the subjects a
condition could hold for, ``facts.load_facts`` and ``engine.evaluate`` decide), so a campaign "on the
serious-dishonesty list" means what the signals and the lists mean — one definition, not a second query.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.departments.models import Department
from xinyong.errors import Invalid
from xinyong.monitoring.changes import candidates
from xinyong.monitoring.engine import Finding, evaluate
from xinyong.monitoring.facts import load_facts
from xinyong.monitoring.schemas import TargetRule
from xinyong.monitoring.signals import Signal
from xinyong.policy.loader import Policy
from xinyong.subjects.models import Subject, SubjectKind

CHUNK = 1000


@dataclass(frozen=True)
class Target:
    """A subject the rule holds for on a day, with the evidence."""

    subject: Subject
    finding: Finding


def rule_signal(name: str, basis: str, rule: TargetRule, on: dt.date) -> Signal:
    """Return the rule as a signal (the engine's unit), in force from ``on``."""
    return Signal(
        id="campaign",
        version="1",
        effective_from=on,
        name=name,
        basis=basis,
        subject_kinds=rule.subject_kinds,
        condition=rule.condition,
        severity="提示",
        dedup_days=0,
        notify=["jurisdiction"],
    )


def check_rule(policy: Policy, rule: TargetRule, domains: Sequence[str], session: Session) -> None:
    """Refuse a rule naming catalog items, kinds, counties or department domains that do not exist."""
    problems: list[str] = []
    for item in getattr(rule.condition, "catalog_items", []):
        if item not in policy.catalog:
            problems.append(f"目录项 {item} 不存在")
    kinds = {k.value for k in SubjectKind}
    problems += [f"主体类别 {k} 不存在" for k in rule.subject_kinds if k not in kinds]
    regions = {r.code for r in policy.regions.regions}
    problems += [f"行政区划 {r} 不存在" for r in rule.regions if r not in regions]
    known = set(session.scalars(select(Department.domain).where(Department.domain.is_not(None))))
    problems += [f"部门领域 {d} 不存在" for d in domains if d not in known]
    if problems:
        raise Invalid("专项治理对象规则有误：" + "；".join(problems), code="campaign.bad_rule")


def derive(session: Session, policy: Policy, signal: Signal, rule: TargetRule, on: dt.date) -> list[Target]:
    """Return the subjects the rule holds for on ``on``, by subject id."""
    ids = sorted(candidates(session, [signal], on))
    out: list[Target] = []
    for start in range(0, len(ids), CHUNK):
        for subject, facts in load_facts(session, ids[start : start + CHUNK], [signal], on, policy):
            if rule.regions and subject.region_code not in rule.regions:
                continue
            if rule.industries and subject.industry not in rule.industries:
                continue
            finding = evaluate(signal, facts, on)
            if finding is not None:
                out.append(Target(subject, finding))
    return out


class Assignees:
    """The department of each domain with jurisdiction over a county (the city's own where it has none)."""

    def __init__(self, session: Session, city_region: str) -> None:
        self.city_region = city_region
        self.by_place: dict[tuple[str, str], int] = {}
        rows = session.execute(
            select(Department.id, Department.domain, Department.region_code).order_by(Department.id)
        )
        for dept_id, domain, region in rows:
            if domain and region:
                self.by_place.setdefault((domain, region), dept_id)

    def of(self, domain: str, region: str | None) -> int | None:
        """Return the department handling a target of ``region`` for ``domain``."""
        return self.by_place.get((domain, region or "")) or self.by_place.get((domain, self.city_region))
