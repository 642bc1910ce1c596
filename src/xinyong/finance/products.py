"""信易贷 product matching and subsidy calculation: load the facts, call the pure cores, log the read."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from xinyong.auth.principal import Principal
from xinyong.evaluation import service as evaluation_service
from xinyong.finance import matching, subsidy
from xinyong.finance.consent import name_of
from xinyong.finance.matching import VERDICT_LABELS, Facts, GradeFact, GradeOrder
from xinyong.finance.rules import products_of, subsidies_of
from xinyong.finance.schemas import (
    CriterionRead,
    ProductMatch,
    ProductMatches,
    SubsidyIn,
    SubsidyOutcome,
    SubsidyResult,
)
from xinyong.kit.crypto import KeyRing
from xinyong.policy.loader import Policy
from xinyong.records import service as records_service
from xinyong.subjects import scope
from xinyong.subjects import service as subjects_service
from xinyong.subjects.models import Subject


@dataclass(frozen=True)
class _Grades:
    """The evaluation models' grade order and names, as matching asks for them."""

    compare: Callable[[str, str, str], bool | None]
    names: dict[str, str]

    def __call__(self, model_id: str, grade: str, minimum: str) -> bool | None:
        return self.compare(model_id, grade, minimum)

    def name(self, model_id: str) -> str:
        return self.names.get(model_id, "公共信用评价")


def grade_order(policy: Policy) -> GradeOrder:
    """Return the grade comparison of the evaluation models (``None``: unknown model or grade)."""
    models = evaluation_service.models_of(policy).models

    def at_least(model_id: str, grade: str, minimum: str) -> bool | None:
        model = next((m for m in models if m.id == model_id and grade in m.ranked_grades), None)
        return None if model is None else model.at_least(grade, minimum)

    return _Grades(at_least, {m.id: m.name for m in models})


def grade_of(session: Session, subject_id: int, *, visible: bool) -> GradeFact | None:
    """Return the subject's current stored grade (``visible`` False: the reader may not learn it)."""
    found = evaluation_service.current_result(session, subject_id)
    if found is None:
        return None
    _, result = found
    return GradeFact(result.model_id, result.grade, visible)


def listed(session: Session, policy: Policy, subject_id: int, on: dt.date) -> bool:
    """Tell whether the subject is on a serious-dishonesty list in force on ``on`` (the rule core's periods)."""
    periods = records_service.listings_of(session, [subject_id], policy).get(subject_id, [])
    return any(p.in_force_on(on) for p in periods)


def facts_of(session: Session, policy: Policy, subject: Subject, *, on: dt.date, score: bool) -> Facts:
    """Return what matching needs to know about ``subject``."""
    return Facts(
        kind=subject.kind,
        industry=subject.industry,
        region_code=subject.region_code,
        established_on=subject.established_on,
        grade=grade_of(session, subject.id, visible=score),
        listed=listed(session, policy, subject.id, on),
    )


def match_products(
    session: Session, policy: Policy, keys: KeyRing, principal: Principal, code: str, *, on: dt.date
) -> ProductMatches:
    """Match the products in force against a subject the caller may read (logged for 谁查询了我).

    An authorised bank learns the grade only when the subject granted the score; otherwise the grade
    criteria answer 无法判断.
    """
    subject = subjects_service.get_by_code(session, keys, code)
    access = scope.authorise_read(session, policy, principal, subject.id, what="finance_match", on=on)
    score = access.grant is None or access.grant.score
    facts = facts_of(session, policy, subject, on=on, score=score)
    at_least = grade_order(policy)
    names = {r.code: r.name for r in policy.regions.regions}
    out = []
    for p in products_of(policy).products:
        if not p.in_force(on):
            continue
        criteria = matching.match(p, facts, on, at_least, names)
        verdict = matching.overall(criteria)
        out.append(
            ProductMatch(
                id=p.id,
                institution=p.institution,
                institution_name=name_of(policy, p.institution) or p.institution,
                name=p.name,
                description=p.description,
                amount_min_yuan=p.amount_yuan.min,
                amount_max_yuan=p.amount_yuan.max,
                term_min_months=p.term_months.min,
                term_max_months=p.term_months.max,
                annual_rate=p.annual_rate,
                verdict=verdict,
                verdict_label=VERDICT_LABELS[verdict],
                criteria=[
                    CriterionRead(
                        code=c.code,
                        verdict=c.verdict,
                        verdict_label=VERDICT_LABELS[c.verdict],
                        reason=c.reason,
                    )
                    for c in criteria
                ],
            )
        )
    order = {matching.Verdict.MET: 0, matching.Verdict.UNKNOWN: 1, matching.Verdict.NOT_MET: 2}
    out.sort(key=lambda m: order[m.verdict])
    return ProductMatches(code=code, name=subject.name, as_of=on, score_authorised=score, products=out)


def calculate_subsidies(policy: Policy, body: SubsidyIn) -> SubsidyResult:
    """Return the 贴息 and 信保基金 of a loan under the rules in force on its start date."""
    grade = GradeFact(body.model, body.grade) if body.model and body.grade else None
    loan = subsidy.Loan(
        amount_yuan=body.amount_yuan,
        annual_rate=body.annual_rate,
        term_months=body.term_months,
        start_on=body.start_on,
        subject_kind=body.subject_kind,
        grade=grade,
    )
    outcomes = subsidy.calculate(subsidies_of(policy), loan, grade_order(policy))
    return SubsidyResult(
        start_on=body.start_on,
        outcomes=[
            SubsidyOutcome(
                rule_id=o.rule_id,
                rule_name=o.rule_name,
                kind=o.kind,
                eligible=o.eligible,
                reasons=o.reasons,
                figures=o.figures,
            )
            for o in outcomes
        ],
    )
