"""Loaders of the evaluation's policy sections (``policy/models/``, ``policy/supervision/``).

Registered in ``xinyong.policy_sections.SECTIONS``; they cross-check the models and rules against the
catalog, the departments and the subject kinds, reporting every problem with its file.
"""

from __future__ import annotations

from xinyong.evaluation.spec import CapRule, EvaluationModel, Indicator, ModelSet
from xinyong.evaluation.supervision import SupervisionRule, SupervisionSet
from xinyong.policy.loader import Policy, Problems, Section, load_dir
from xinyong.subjects.models import MEMBER_KINDS, SubjectKind


def load_models(policy: Policy) -> ModelSet:
    """Load ``policy/models/*.yaml``; refuse unknown catalog items or kinds and overlapping versions."""
    problems = Problems(policy.root)
    models = load_dir(policy.root / "models", EvaluationModel, problems)
    kinds = {k.value for k in SubjectKind}
    for m in models:
        path = policy.root / "models" / f"{m.id}.yaml"
        for kind in m.subject_kinds:
            if kind not in kinds:
                problems.add(path, f"主体类别 {kind} 不存在")
        selectors: list[Indicator | CapRule] = [*m.indicators, *m.caps]
        for sel in selectors:
            for item in sel.catalog_items:
                if item not in policy.catalog:
                    problems.add(path, f"{sel.id} 引用了不存在的目录项 {item}")
        for item, fields in m.tag_fields.items():
            known = {f.name for f in policy.catalog[item].fields} if item in policy.catalog else set()
            for name in fields:
                if name not in known:
                    problems.add(path, f"tag_fields：目录项 {item} 没有字段 {name}")
    # a grade is a name on one scale: models on different scales (persons, organisations) share no name
    for i, a in enumerate(models):
        for b in models[i + 1 :]:
            if a.ranked_grades != b.ranked_grades and set(a.ranked_grades) & set(b.ranked_grades):
                shared_names = sorted(set(a.ranked_grades) & set(b.ranked_grades))
                problems.add("models/", f"模型 {a.id} 与 {b.id} 的等级表不同，却共用等级名称 {shared_names}")
    tagged: dict[str, tuple[str, list[str]]] = {}
    for m in models:
        for item, fields in m.tag_fields.items():
            if item in tagged and tagged[item][1] != fields:
                problems.add(
                    "models/", f"模型 {m.id} 与 {tagged[item][0]} 对目录项 {item} 的 tag_fields 不同"
                )
            tagged.setdefault(item, (m.id, fields))
    for i, a in enumerate(models):
        for b in models[i + 1 :]:
            shared = set(a.subject_kinds) & set(b.subject_kinds)
            if shared and a.overlaps(b):
                problems.add("models/", f"模型 {a.id} 与 {b.id} 对 {sorted(shared)} 的生效期重叠")
    covered = {k for m in models for k in m.subject_kinds}
    for kind in sorted(kinds - covered - MEMBER_KINDS):
        problems.add("models/", f"主体类别 {kind} 没有评价模型")
    problems.raise_if_any()
    return ModelSet(tuple(models))


def load_supervision(policy: Policy) -> SupervisionSet:
    """Load ``policy/supervision/*.yaml``; every grade of the supervision models must have a class."""
    problems = Problems(policy.root)
    rules = load_dir(policy.root / "supervision", SupervisionRule, problems)
    # not policy.section(): its lock is not re-entrant and this loader already runs under it
    models: ModelSet = load_models(policy)
    dept_codes = {d.code for d in policy.departments.departments}
    for rule in rules:
        path = policy.root / "supervision" / f"{rule.id}.yaml"
        if rule.department is not None and rule.department not in dept_codes:
            problems.add(path, f"部门 {rule.department} 不存在")
        mapped = {g for c in rule.classes for g in c.grades}
        for model in models.models:
            if model.use != "supervision" or not set(model.subject_kinds) & set(rule.subject_kinds):
                continue
            missing = [b.grade for b in model.grades if b.grade not in mapped]
            if missing:
                problems.add(path, f"模型 {model.id} 的等级 {missing} 没有对应的监管类别")
    for i, a in enumerate(rules):
        for b in rules[i + 1 :]:
            if a.department == b.department and a.overlaps(b):
                problems.add("supervision/", f"{a.id} 与 {b.id} 适用同一部门且生效期重叠")
    if not any(r.department is None for r in rules):
        problems.add("supervision/", "缺少默认规则（department 为空）")
    problems.raise_if_any()
    return SupervisionSet(tuple(rules))


MODELS = Section("models", load_models)
SUPERVISION = Section("supervision", load_supervision)
