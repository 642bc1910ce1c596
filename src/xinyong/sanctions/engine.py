"""Pure matching core of the 核查 check: subject facts + scenario + date ⇒ hits, rewards, explanations.

No database, no framework: services load the facts (``sanctions.inputs``) and call :func:`match`.
Proportionality (《浙江省公共信用信息管理条例》第二十八条): only measures whose scenario and triggers
match apply; a punishment rests only on a negative record of a severity the measure names or a list entry
in force — a neutral or positive record (a commitment being kept), a 轻微 record, a repaired/deleted
record or an expired/removed list entry never triggers; a grade counts only on the scale of a model the
measure names;
a measure is applied only inside its effective dates and after its list was published.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

from xinyong.rules.severity import minor_negative
from xinyong.sanctions.rules import CompiledMeasure, Measures, Trigger

FactKind = Literal["record", "list"]


@dataclass(frozen=True)
class Fact:
    """A credit record or list entry of the subject, with provenance.

    ``excluded`` is the reason (in Chinese) the fact may not be used on the day asked about —
    repaired, deleted, removed from the list, past retention … — or ``None`` when it is in force.
    """

    record_id: int
    catalog_item: str
    polarity: str
    severity: str | None
    decision_on: dt.date | None
    document_no: str | None = None
    department: str | None = None
    list_type: str | None = None
    list_end: dt.date | None = None
    valid_to: dt.date | None = None
    excluded: str | None = None
    under_objection: bool = False


@dataclass(frozen=True)
class Breach:
    """A breached 信用承诺 and the end of the 告知承诺 suspension it causes."""

    commitment_code: str
    breached_on: dt.date
    suspended_until: dt.date | None


@dataclass(frozen=True)
class SubjectFacts:
    """Everything the check needs about one subject."""

    subject_id: int
    facts: tuple[Fact, ...] = ()
    grade: str | None = None
    supervision_class: str | None = None
    # the evaluation model whose scale ``grade`` is on: a grade means nothing without its model
    grade_model: str | None = None
    breaches: tuple[Breach, ...] = ()


@dataclass(frozen=True)
class Evidence:
    """What triggered a measure: a fact with provenance, or the grade/class/breach."""

    kind: str
    label: str
    record_id: int | None = None
    catalog_item: str | None = None
    document_no: str | None = None
    department: str | None = None
    decision_on: dt.date | None = None
    severity: str | None = None
    list_type: str | None = None
    under_objection: bool = False


@dataclass(frozen=True)
class Hit:
    """A measure that applies (惩戒 or 激励)."""

    measure: CompiledMeasure
    evidence: tuple[Evidence, ...]

    @property
    def mandatory(self) -> bool:
        """Tell whether the measure must be applied (else the department may apply it)."""
        return self.measure.measure.mandatory


@dataclass(frozen=True)
class Explanation:
    """Why a candidate measure of the scenario did or did not apply."""

    measure_id: str
    applied: bool
    reason: str


@dataclass
class Outcome:
    """The result of matching one subject."""

    hits: list[Hit] = field(default_factory=list)
    rewards: list[Hit] = field(default_factory=list)
    explanations: list[Explanation] = field(default_factory=list)
    commitment_eligible: bool = True
    commitment_suspended_until: dt.date | None = None


@lru_cache(maxsize=4096)
def _months_before(on: dt.date, months: int) -> dt.date:
    year, month0 = divmod(on.year * 12 + on.month - 1 - months, 12)
    return dt.date(year, month0 + 1, min(on.day, calendar.monthrange(year, month0 + 1)[1]))


def fact_usable(fact: Fact, on: dt.date) -> str | None:
    """Return why a fact may not trigger anything on ``on`` (``None`` when it may)."""
    if fact.excluded:
        return fact.excluded
    if fact.decision_on is not None and fact.decision_on > on:
        return "认定日期晚于核查日期"
    if fact.list_end is not None and fact.list_end <= on:
        return f"已于 {fact.list_end.isoformat()} 移出名单或名单期满"
    if minor_negative(fact.polarity, fact.severity):
        return "轻微失信记录不适用惩戒（比例原则）"
    if fact.polarity == "positive" and fact.valid_to is not None and fact.valid_to < on:
        return f"有效期已于 {fact.valid_to.isoformat()} 届满"
    return None


_POLARITY = {"negative": "不良", "positive": "良好", "neutral": "中性"}


def _polarity_mismatch(trigger: Trigger, fact: Fact) -> str | None:
    """Return why a fact of the wrong polarity cannot fire ``trigger`` (``None`` when it may).

    Only a negative record (不良信息) or a list entry can ground a punishment, and only a positive one an
    honour's reward: a neutral record — a 信用承诺 being kept, a licence, an evaluation — triggers nothing.
    """
    wanted = "negative" if trigger.kind == "list" else trigger.polarity
    if fact.polarity == wanted:
        return None
    return f"{_POLARITY.get(fact.polarity, fact.polarity)}信息，不是{_POLARITY[wanted]}信息"


def _fact_evidence(fact: Fact, label: str) -> Evidence:
    return Evidence(
        kind=fact.catalog_item if fact.list_end is not None or fact.list_type else "record",
        label=label,
        record_id=fact.record_id,
        catalog_item=fact.catalog_item,
        document_no=fact.document_no,
        department=fact.department,
        decision_on=fact.decision_on,
        severity=fact.severity,
        list_type=fact.list_type,
        under_objection=fact.under_objection,
    )


def _why_not(
    trigger: Trigger, fact: Fact, on: dt.date, since: dt.date | None, is_list: set[str]
) -> str | None:
    """Return why a fact of a trigger's catalog items does not fire it, or ``None`` when it does."""
    why_not = fact_usable(fact, on)
    if why_not is None:
        why_not = _polarity_mismatch(trigger, fact)
    if why_not is None and trigger.kind == "record" and fact.polarity == "negative":
        wanted = trigger.wanted_severities
        if fact.severity not in wanted:
            why_not = f"严重程度为{fact.severity or '未定'}，不在{'/'.join(wanted)}之列"
    if why_not is None and trigger.list_types and fact.list_type not in trigger.list_types:
        why_not = f"名单类型“{fact.list_type}”不在适用范围内"
    if why_not is None and since is not None and fact.decision_on is not None and fact.decision_on < since:
        why_not = f"认定于 {fact.decision_on.isoformat()}，早于 {trigger.within_months} 个月的适用期"
    if why_not is None and trigger.kind == "list" and fact.catalog_item not in is_list:
        why_not = "不是名单信息"
    return why_not


def evaluate_trigger(
    trigger: Trigger,
    subject: SubjectFacts,
    on: dt.date,
    is_list: set[str],
    model_names: Mapping[str, str] | None = None,
) -> tuple[list[Evidence], list[str]]:
    """Return the evidence that fires ``trigger`` and notes on facts that came close but did not."""
    found: list[Evidence] = []
    notes: list[str] = []
    model_names = model_names or {}
    if trigger.kind in ("list", "record"):
        since = _months_before(on, trigger.within_months) if trigger.within_months else None
        for fact in subject.facts:
            if fact.catalog_item not in trigger.catalog_items:
                continue
            why_not = _why_not(trigger, fact, on, since, is_list)
            ref = f"{fact.catalog_item}#{fact.record_id}"
            if why_not is None:
                found.append(_fact_evidence(fact, trigger.label or ref))
            else:
                notes.append(f"{ref}：{why_not}")
    elif trigger.kind == "grade":
        if subject.grade is not None and subject.grade in trigger.grades:
            if subject.grade_model in trigger.models:
                name = model_names.get(str(subject.grade_model), str(subject.grade_model))
                found.append(Evidence(kind="grade", label=f"信用等级：{subject.grade}（{name}）"))
            else:
                notes.append(
                    f"信用等级{subject.grade}出自评价模型 {subject.grade_model or '未知'}，不是本措施所列模型"
                )
    elif trigger.kind == "supervision_class":
        if subject.supervision_class is not None and subject.supervision_class in trigger.classes:
            found.append(Evidence(kind="supervision_class", label=f"监管分类：{subject.supervision_class}"))
    else:
        for b in subject.breaches:
            if b.breached_on <= on and (b.suspended_until is None or on <= b.suspended_until):
                until = f"，暂停至 {b.suspended_until.isoformat()}" if b.suspended_until else ""
                found.append(
                    Evidence(kind="commitment_breach", label=f"违反信用承诺 {b.commitment_code}{until}")
                )
            elif b.breached_on <= on:
                notes.append(f"承诺 {b.commitment_code}：暂停期已于 {b.suspended_until} 结束")
    return found, notes


def fires(triggers: Iterable[Trigger], subject: SubjectFacts, on: dt.date, measures: Measures) -> bool:
    """Tell whether any of ``triggers`` fires for ``subject`` on ``on``, as :func:`match` evaluates it.

    A measure applies when one of its triggers fires and none of its exclusions does; each trigger reads
    one part of the subject (its grade, its class, its facts or its breaches), so a caller may ask the
    parts apart (``sanctions.impact`` does, for many subjects at once).
    """
    return any(
        evaluate_trigger(t, subject, on, measures.list_items, measures.model_names)[0] for t in triggers
    )


def _describe(trigger: Trigger) -> str:
    if trigger.label:
        return trigger.label
    if trigger.kind in ("list", "record"):
        return f"{'名单' if trigger.kind == 'list' else '记录'}（{'、'.join(trigger.catalog_items)}）"
    if trigger.kind == "grade":
        return f"{'/'.join(trigger.models)} 评价等级为{'/'.join(trigger.grades)}"
    if trigger.kind == "supervision_class":
        return f"监管分类为{'/'.join(trigger.classes)}"
    return "违反信用承诺且在暂停期内"


def eligibility(subject: SubjectFacts, on: dt.date) -> tuple[bool, dt.date | None]:
    """Tell whether the subject may use 告知承诺 on ``on``, and until when it is suspended."""
    until: dt.date | None = None
    blocked = False
    for b in subject.breaches:
        if b.breached_on <= on and (b.suspended_until is None or on <= b.suspended_until):
            blocked = True
            if b.suspended_until is not None and (until is None or b.suspended_until > until):
                until = b.suspended_until
    return not blocked, until


# Outcomes of subjects with neither facts nor breaches: a pure function of the measures (one policy
# version), the scenario, the day, the grade (with its model) and the class; shared read-only.
_PLAIN: dict[
    tuple[int, str, dt.date, str | None, str | None, str | None, bool], tuple[Measures, Outcome]
] = {}


def match(
    measures: Measures, scenario: str, subject: SubjectFacts, on: dt.date, *, explain: bool = False
) -> Outcome:
    """Match one subject against the measures of ``scenario`` on day ``on``.

    The returned outcome must not be modified (outcomes of subjects with only a grade are shared).
    """
    if subject.facts or subject.breaches:
        return _match(measures, scenario, subject, on, explain)
    key = (id(measures), scenario, on, subject.grade, subject.grade_model, subject.supervision_class, explain)
    cached = _PLAIN.get(key)
    if cached is None or cached[0] is not measures:
        if len(_PLAIN) > 10_000:
            _PLAIN.clear()
        cached = _PLAIN[key] = (measures, _match(measures, scenario, subject, on, explain))
    return cached[1]


def _match(measures: Measures, scenario: str, subject: SubjectFacts, on: dt.date, explain: bool) -> Outcome:
    out = Outcome()
    out.commitment_eligible, out.commitment_suspended_until = eligibility(subject, on)
    blank = not (
        subject.facts
        or subject.breaches
        or subject.grade in measures.trigger_grades
        or subject.supervision_class in measures.trigger_classes
    )
    if blank and not explain:
        return out  # every measure needs a fact, a breach, or a grade or class some trigger names
    is_list = measures.list_items
    for cm in measures.by_scenario.get(scenario, ()):
        m = cm.measure
        if not cm.in_force(on):
            if explain:
                out.explanations.append(
                    Explanation(
                        m.id,
                        False,
                        f"措施不在有效期内（公布 {cm.published_on}，生效 {cm.effective_from}，失效 {cm.effective_to or '—'}）",
                    )
                )
            continue
        evidence: list[Evidence] = []
        notes: list[str] = []
        for t in m.triggers:
            ev, nt = evaluate_trigger(t, subject, on, is_list, measures.model_names)
            evidence.extend(ev)
            notes.extend(nt)
        blocking: list[Evidence] = []
        if evidence and m.exclusions:
            for t in m.exclusions:
                blocking.extend(evaluate_trigger(t, subject, on, is_list, measures.model_names)[0])
        applied = bool(evidence) and not blocking
        if applied:
            (out.hits if m.kind == "punish" else out.rewards).append(Hit(cm, tuple(evidence)))
        if explain:
            if applied:
                reason = "触发：" + "；".join(e.label for e in evidence)
            elif blocking:
                reason = "存在排除情形：" + "；".join(e.label for e in blocking)
            else:
                reason = "未满足触发条件（" + "，或".join(_describe(t) for t in m.triggers) + "）"
                if notes:
                    reason += "；" + "；".join(notes)
            out.explanations.append(Explanation(m.id, applied, reason))
    return out
