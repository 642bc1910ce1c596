"""The registry's policy (``policy/agencies/*.yaml``): filing authorities, business scopes, qualifications,
report purposes and the catalog item supervision events are written as — validated at load."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Generic, TypeVar

from pydantic import Field

from xinyong.errors import PolicyError
from xinyong.policy.base import Strict, Versioned
from xinyong.policy.loader import Policy, Problems, Section, load_dir
from xinyong.policy.schemas import Severity


class Coded(Strict):
    """A code with its Chinese label."""

    code: str = Field(pattern=r"^[a-z][a-z_]*$")
    label: str


class Authority(Strict):
    """A department that files agencies (备案机关), by its code in ``policy/departments.yaml``."""

    department: str
    label: str


class RecordSpec(Strict):
    """The catalog item (and default severity) events are written as."""

    catalog_item: str
    severity: Severity


class RegistryRules(Versioned):
    """One version of the registry's rules."""

    name: str
    basis: str
    filing_authorities: list[Authority] = Field(min_length=1)
    business_scopes: list[Coded] = Field(min_length=1)
    qualifications: list[Coded] = Field(min_length=1)
    report_purposes: list[Coded] = Field(min_length=1)
    supervision: RecordSpec

    def scope_labels(self) -> dict[str, str]:
        """Return business scope code -> label."""
        return {c.code: c.label for c in self.business_scopes}

    def qualification_labels(self) -> dict[str, str]:
        """Return qualification code -> label."""
        return {c.code: c.label for c in self.qualifications}

    def purpose_labels(self) -> dict[str, str]:
        """Return report purpose code -> label."""
        return {c.code: c.label for c in self.report_purposes}


V = TypeVar("V", bound=Versioned)


class Versions(Generic[V]):
    """All versions of a policy document; the one in force on a day applies."""

    def __init__(self, versions: list[V]) -> None:
        self.versions = versions

    def __len__(self) -> int:
        return len(self.versions)

    def in_force(self, on: dt.date) -> V | None:
        """Return the version in force on ``on``."""
        return next((v for v in self.versions if v.in_force(on)), None)


def load_versions(
    policy: Policy, folder: str, model: type[V], check: Callable[[Policy, Problems, V], None]
) -> Versions[V]:
    """Load ``policy/<folder>/*.yaml`` as versions of one document: each checked, none overlapping."""
    problems = Problems(policy.root)
    docs = load_dir(policy.root / folder, model, problems)
    for i, doc in enumerate(docs):
        check(policy, problems, doc)
        for other in docs[i + 1 :]:
            if doc.overlaps(other):
                problems.add(policy.root / folder, f"版本 {doc.version} 与 {other.version} 生效期重叠")
    problems.raise_if_any()
    return Versions(docs)


def _check(policy: Policy, problems: Problems, doc: RegistryRules) -> None:
    path = policy.root / "agencies"
    departments = {d.code for d in policy.departments.departments}
    for a in doc.filing_authorities:
        if a.department not in departments:
            problems.add(path, f"备案机关 {a.department} 不在部门名录中")
    item = policy.catalog.get(doc.supervision.catalog_item)
    if item is None:
        problems.add(path, f"监管事件的目录项 {doc.supervision.catalog_item} 不存在")
    elif item.polarity != "negative":
        problems.add(path, f"监管事件的目录项 {item.id} 须为负面信息")
    for name, entries in (
        ("业务范围", doc.business_scopes),
        ("从业资格", doc.qualifications),
        ("报告用途", doc.report_purposes),
    ):
        codes = [e.code for e in entries]
        if len(set(codes)) != len(codes):
            problems.add(path, f"{name}编码重复")


def load(policy: Policy) -> Versions[RegistryRules]:
    """Load ``policy/agencies/*.yaml``; refuse unknown departments and catalog items and overlapping versions."""
    return load_versions(policy, "agencies", RegistryRules, _check)


SECTION = Section("agencies", load)


def registry_rules(policy: Policy, on: dt.date) -> RegistryRules:
    """Return the rules in force on ``on`` (a policy without them is a deployment error)."""
    found = policy.section(SECTION).in_force(on)
    if found is None:
        raise PolicyError(f"{on.isoformat()} 没有生效的信用服务机构备案规则", code="agencies.no_rules")
    return found
