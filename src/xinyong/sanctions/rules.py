"""Policy models of 联合奖惩 measures (措施清单), check scenarios and screening, with their loader.

The measures live under ``policy/measures/lists/*.yaml`` (one file per published list: the national
base list, Zhejiang Art. 23 and Art. 26, reward measures); ``policy/measures/check.yaml`` holds the
scenarios and the feedback deadline; ``policy/measures/screening.yaml`` the name-screening weights.
The loader validates cross references against the catalog and compiles an index per scenario once per
loaded policy (the policy object memoises it, so it is compiled once per policy hash).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal, get_args

from pydantic import Field, model_validator

from xinyong.evaluation import service as evaluation_service
from xinyong.policy.base import Strict, Versioned
from xinyong.policy.loader import Policy, Problems, Section, load_dir, load_model

TriggerKind = Literal["list", "record", "grade", "supervision_class", "commitment_breach"]
ActiveSeverity = Literal["一般", "严重"]
ACTIVE_SEVERITIES: tuple[ActiveSeverity, ...] = get_args(ActiveSeverity)  # 轻微 never triggers a measure


class LegalBasis(Strict):
    """One legal basis of a measure: the instrument and its article."""

    law: str
    article: str | None = None
    doc_no: str | None = None

    def cite(self) -> str:
        """Return the citation as written to departments, e.g. 《政府采购法》第二十二条."""
        head = self.law if self.law.startswith("《") else f"《{self.law}》"
        doc = f"（{self.doc_no}）" if self.doc_no else ""
        return f"{head}{doc}{self.article or ''}"


class Trigger(Strict):
    """A condition on the subject's facts that makes a measure applicable.

    ``list``: an entry in force on a list catalog item (optionally of given list types);
    ``record``: a record of given catalog items and ``polarity`` — a negative one of the given
    severities (never 轻微; 一般/严重 when none are named), or a positive one in force (honours, for
    rewards only) — optionally decided within ``within_months``; neutral records (a 信用承诺 being kept,
    a licence, an evaluation) never trigger anything; ``grade`` / ``supervision_class``: the latest
    evaluation by one of the named ``models`` (grades are names on those models' scales);
    ``commitment_breach``: a breached commitment whose suspension of 告知承诺 has not ended.
    """

    kind: TriggerKind
    polarity: Literal["negative", "positive"] = "negative"
    catalog_items: list[str] = []
    list_types: list[str] = []
    severities: list[ActiveSeverity] = []
    within_months: int | None = Field(default=None, gt=0)
    models: list[str] = []
    grades: list[str] = []
    classes: list[str] = []
    label: str | None = None

    @property
    def wanted_severities(self) -> list[ActiveSeverity]:
        """Return the severities of a record that fire the trigger (all active ones unless it names some)."""
        return self.severities or list(ACTIVE_SEVERITIES)

    @model_validator(mode="after")
    def _complete(self) -> Trigger:
        if self.kind in ("list", "record") and not self.catalog_items:
            raise ValueError(f"{self.kind} 触发条件必须列出目录项 catalog_items")
        if self.kind == "grade" and not (self.grades and self.models):
            raise ValueError("grade 触发条件必须列出评价模型 models 及其等级 grades")
        if self.polarity == "positive" and (self.kind != "record" or self.severities):
            raise ValueError("只有 record 触发条件可取正面记录（polarity: positive），且不得限定严重程度")
        if self.kind == "supervision_class" and not self.classes:
            raise ValueError("supervision_class 触发条件必须列出 classes")
        return self


class Measure(Strict):
    """One measure (惩戒措施 or 激励措施) with its basis, bodies, triggers and scenarios."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9.-]*$")
    name: str
    kind: Literal["punish", "reward"]
    measure_class: Literal[1, 2, 3] | None = Field(default=None, alias="class")
    basis: list[LegalBasis] = Field(min_length=1)
    implementing_bodies: list[str] = Field(min_length=1)
    triggers: list[Trigger] = Field(min_length=1)
    exclusions: list[Trigger] = []
    scenarios: list[str] = Field(min_length=1)
    mandatory: bool
    effective_from: dt.date | None = None
    effective_to: dt.date | None = None
    note: str | None = None


class MeasureList(Versioned):
    """A published list of measures (基础清单, 补充清单 …); measures inherit its effective dates."""

    name: str
    issuer: str
    doc_no: str | None = None
    published_on: dt.date
    measures: list[Measure] = Field(min_length=1)


class Scenario(Strict):
    """A business scenario in which departments must check credit (Zhejiang Regulation Art. 21)."""

    code: str = Field(pattern=r"^[a-z_]+$")
    label: str
    aliases: list[str] = []


class CheckRules(Versioned):
    """Scenarios and the feedback deadline of the check."""

    basis: str
    scenarios: list[Scenario] = Field(min_length=1)
    feedback_deadline_workdays: int = Field(gt=0)
    max_batch: int = Field(gt=0)


class ScreeningRules(Versioned):
    """Weights and defaults of name screening."""

    weights: dict[Literal["exact", "core", "pinyin", "region", "legal_rep"], float]
    threshold: float = Field(ge=0, le=1)
    top_k: int = Field(gt=0)
    list_items: list[str]
    candidate_limit: int = Field(gt=0)
    region_prefixes: list[str] = []


@dataclass(frozen=True)
class CompiledMeasure:
    """A measure with its effective range resolved and its list attached."""

    measure: Measure
    list_id: str
    list_name: str
    published_on: dt.date
    effective_from: dt.date
    effective_to: dt.date | None

    def in_force(self, on: dt.date) -> bool:
        """Tell whether the measure may be applied on ``on`` (published and in its effective dates)."""
        return (
            self.published_on <= on
            and self.effective_from <= on
            and (self.effective_to is None or on <= self.effective_to)
        )


@dataclass
class Measures:
    """Every measure, indexed by scenario code; built once per loaded policy."""

    rules: CheckRules
    screening: ScreeningRules
    by_id: dict[str, CompiledMeasure]
    by_scenario: dict[str, list[CompiledMeasure]] = field(default_factory=dict)
    scenario_codes: dict[str, str] = field(default_factory=dict)
    policy_hash: str = ""
    list_items: set[str] = field(default_factory=set)
    trigger_items: dict[str, set[str]] = field(default_factory=dict)  # filled lazily per scenario
    trigger_grades: set[str] = field(default_factory=set)  # grades and classes any trigger names
    trigger_classes: set[str] = field(default_factory=set)
    model_names: dict[str, str] = field(default_factory=dict)  # evaluation model id -> its Chinese name

    def __len__(self) -> int:
        return len(self.by_id)

    def scenario(self, value: str) -> str | None:
        """Return the scenario code for a code, label or alias, or ``None``."""
        return self.scenario_codes.get(value.strip())

    def label(self, code: str) -> str:
        """Return the Chinese label of a scenario code."""
        for s in self.rules.scenarios:
            if s.code == code:
                return s.label
        return code


def _check_trigger(
    trigger: Trigger,
    where: str,
    measure: Measure,
    policy: Policy,
    problems: Problems,
    scales: dict[str, set[str]],
    positive_only: set[str],
) -> None:
    """Report a trigger's dangling references, and any trigger the law does not allow for its measure."""
    for item in trigger.catalog_items:
        if item not in policy.catalog:
            problems.add(where, f"触发条件引用了不存在的目录项 {item}")
            continue
        polarity = policy.catalog[item].polarity
        if trigger.kind == "list" and "list_end" not in policy.catalog[item].roles:
            problems.add(where, f"目录项 {item} 不是名单（没有 list_end），不能用作 list 触发条件")
        elif trigger.kind == "record" and trigger.polarity == "positive" and polarity != "positive":
            problems.add(where, f"措施 {measure.id}：目录项 {item} 不是正面信息，不能作为正面记录触发条件")
        elif trigger.kind == "record" and trigger.polarity == "negative" and polarity == "positive":
            problems.add(where, f"措施 {measure.id}：目录项 {item} 是正面信息，不能作为不良记录触发条件")
    if measure.kind == "punish" and trigger.kind == "record" and trigger.polarity != "negative":
        problems.add(where, f"惩戒措施 {measure.id} 只能由不良记录触发")
    for model_id in trigger.models:
        if model_id not in scales:
            problems.add(where, f"措施 {measure.id} 引用了不存在的评价模型 {model_id}")
            continue
        if measure.kind == "punish" and model_id in positive_only:
            problems.add(
                where, f"惩戒措施 {measure.id} 不得以仅用于正向激励的评价模型 {model_id} 的等级为依据"
            )
        for g in trigger.grades:
            if g not in scales[model_id]:
                problems.add(where, f"措施 {measure.id}：等级 {g} 不在评价模型 {model_id} 的等级表中")


def _scenario_codes(rules: CheckRules, problems: Problems) -> dict[str, str]:
    """Return every spelling of a scenario (code, label, aliases) → its code; a spelling used twice fails."""
    codes: dict[str, str] = {}
    for s in rules.scenarios:
        for spelling in (s.code, s.label, *s.aliases):
            if spelling in codes and codes[spelling] != s.code:
                problems.add("measures/check.yaml", f"场景名称 {spelling} 重复")
            codes[spelling] = s.code
    return codes


def _compile(
    policy: Policy,
    lists: list[MeasureList],
    rules: CheckRules,
    codes: dict[str, str],
    scales: dict[str, set[str]],
    positive_only: set[str],
    problems: Problems,
) -> tuple[dict[str, CompiledMeasure], dict[str, list[CompiledMeasure]]]:
    """Compile every measure of every list, by id and by scenario, noting what is wrong with each."""
    by_id: dict[str, CompiledMeasure] = {}
    by_scenario: dict[str, list[CompiledMeasure]] = {s.code: [] for s in rules.scenarios}
    for doc in lists:
        where = f"measures/lists/{doc.id}.yaml"
        for m in doc.measures:
            if m.id in by_id:
                problems.add(where, f"措施编号 {m.id} 与 {by_id[m.id].list_id} 重复")
                continue
            start = m.effective_from or doc.effective_from
            end = m.effective_to or doc.effective_to
            if end is not None and end < start:
                problems.add(where, f"措施 {m.id} 的失效日期早于生效日期")
            if m.kind == "punish" and m.measure_class is None:
                problems.add(where, f"惩戒措施 {m.id} 必须标明类别 class（1/2/3）")
            for t in [*m.triggers, *m.exclusions]:
                _check_trigger(t, where, m, policy, problems, scales, positive_only)
            compiled = CompiledMeasure(m, doc.id, doc.name, doc.published_on, start, end)
            by_id[m.id] = compiled
            for sc in m.scenarios:
                code = codes.get(sc)
                if code is None:
                    problems.add(where, f"措施 {m.id} 的适用场景 {sc} 未在 check.yaml 中定义")
                else:
                    by_scenario[code].append(compiled)
    return by_id, by_scenario


def load(policy: Policy) -> Measures:
    """Load, validate and compile the measures section (registered as ``measures``)."""
    root = policy.root / "measures"
    problems = Problems(policy.root)
    lists = load_dir(root / "lists", MeasureList, problems)
    rules = load_model(root / "check.yaml", CheckRules, problems)
    screening = load_model(root / "screening.yaml", ScreeningRules, problems)
    if not lists:
        problems.add("measures/lists/", "没有任何措施清单")
    problems.raise_if_any()
    if rules is None or screening is None:
        raise AssertionError("unreachable: problems were raised above")
    codes = _scenario_codes(rules, problems)
    # not policy.section(): its lock is not re-entrant and this loader may run under it
    models = evaluation_service.load_models(policy).models
    scales: dict[str, set[str]] = {}
    for model in models:
        scales.setdefault(model.id, set()).update(b.grade for b in model.grades)
    positive_only = {m.id for m in models if m.use == "positive_only"}  # persons' scores: rewards only
    by_id, by_scenario = _compile(policy, lists, rules, codes, scales, positive_only, problems)
    for item in screening.list_items:
        if item not in policy.catalog:
            problems.add("measures/screening.yaml", f"目录项 {item} 不存在")
    problems.raise_if_any()
    lists_ = {c.id for c in policy.catalog.values() if "list_end" in c.roles}
    triggers = [t for c in by_id.values() for t in (*c.measure.triggers, *c.measure.exclusions)]
    return Measures(
        rules,
        screening,
        by_id,
        by_scenario,
        codes,
        policy.hash,
        lists_,
        trigger_grades={g for t in triggers for g in t.grades},
        trigger_classes={k for t in triggers for k in t.classes},
        model_names={m.id: m.name for m in models},
    )


SECTION = Section("measures", load)


def measures_of(policy: Policy) -> Measures:
    """Return the compiled measures of a policy (compiled once per policy object)."""
    return policy.section(SECTION)
