"""Policy model of 信用承诺 rules (``policy/commitments/rules.yaml``) and its loader."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from xinyong.policy.base import Strict, Versioned
from xinyong.policy.loader import Policy, Problems, Section, load_model
from xinyong.policy.schemas import Severity

Status = Literal["履约中", "全部履行", "部分履行", "未履行"]


class CommitmentType(Strict):
    """A commitment type; ``informed`` types are 告知承诺 (suspended after a breach)."""

    label: str
    informed: bool
    public: bool
    aliases: list[str] = []


class BreachRecord(Strict):
    """How a breach is recorded as a negative credit record."""

    catalog_item: str
    severity: Severity
    department: str
    fallback_department: str


class CommitmentRules(Versioned):
    """Types, statuses, breach record and 告知承诺 suspension periods."""

    basis: str
    types: list[CommitmentType] = Field(min_length=1)
    statuses: list[Status]
    breach_statuses: list[Status]
    breach_record: BreachRecord
    suspension_months: dict[str, int]

    def __len__(self) -> int:
        return len(self.types)

    def type_of(self, value: str) -> CommitmentType | None:
        """Return the type for a label or alias."""
        for t in self.types:
            if value.strip() in (t.label, *t.aliases):
                return t
        return None


def load(policy: Policy) -> CommitmentRules:
    """Load and cross-check the commitments section (registered as ``commitments``)."""
    problems = Problems(policy.root)
    path = policy.root / "commitments" / "rules.yaml"
    rules = load_model(path, CommitmentRules, problems)
    problems.raise_if_any()
    assert rules is not None  # noqa: S101 - raised above otherwise
    labels = {t.label for t in rules.types}
    enum = {v.label for v in policy.enums.enums.get("commitment_type", [])}
    for label in labels - enum:
        problems.add(path, f"承诺类型 {label} 不在枚举 commitment_type 中")
    for label in set(rules.suspension_months) - labels:
        problems.add(path, f"suspension_months 中的类型 {label} 未定义")
    if rules.breach_record.catalog_item not in policy.catalog:
        problems.add(path, f"目录项 {rules.breach_record.catalog_item} 不存在")
    depts = {d.code for d in policy.departments.departments}
    if rules.breach_record.fallback_department not in depts:
        problems.add(path, f"部门 {rules.breach_record.fallback_department} 不存在")
    if rules.breach_record.department not in depts | {"receiving"}:
        problems.add(path, f"部门 {rules.breach_record.department} 不存在")
    problems.raise_if_any()
    return rules


SECTION = Section("commitments", load)


def rules_of(policy: Policy) -> CommitmentRules:
    """Return the loaded commitment rules of a policy."""
    return policy.section(SECTION)
