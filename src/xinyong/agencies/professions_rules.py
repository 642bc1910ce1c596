"""The catalog of key professions (``policy/professions/*.yaml``): each profession with its licensing body,
legal basis and effective dates; the catalog item sanctions are written as; the civil-service coverage target."""

from __future__ import annotations

import datetime as dt

from pydantic import Field

from xinyong.agencies.rules import Versions, load_versions
from xinyong.errors import PolicyError
from xinyong.policy.base import Strict, Versioned
from xinyong.policy.loader import Policy, Problems, Section
from xinyong.policy.schemas import Severity


class Profession(Strict):
    """A key profession (重点职业人群) and who licenses it."""

    code: str = Field(pattern=r"^[a-z][a-z_]*$")
    name: str
    licensing_body: str
    department: str | None = Field(default=None, description="发证部门在部门名录中的编码（如有）")
    basis: str
    effective_from: dt.date
    effective_to: dt.date | None = None

    def in_force(self, on: dt.date) -> bool:
        """Tell whether the profession is in the catalog on ``on``."""
        return self.effective_from <= on and (self.effective_to is None or on <= self.effective_to)


class SanctionSpec(Strict):
    """The catalog item (and default severity) sanctions of professionals are written as."""

    catalog_item: str
    severity: Severity
    department: str = Field(description="信用中心自行登记时的报送部门编码")
    revoking: list[str] = Field(description="使执业证书失效的惩戒类型（目录枚举的中文值）")


class CivilService(Strict):
    """Civil servants' credit files (公务员诚信档案) and the coverage the plan targets."""

    label: str
    basis: str
    coverage_target: float = Field(gt=0, le=1)


class ProfessionCatalog(Versioned):
    """One version of the catalog."""

    name: str
    basis: str
    sanctions: SanctionSpec
    professions: list[Profession] = Field(min_length=1)
    civil_service: CivilService

    def get(self, code: str, on: dt.date) -> Profession | None:
        """Return the profession ``code`` if it is in the catalog on ``on``."""
        return next((p for p in self.professions if p.code == code and p.in_force(on)), None)

    def labels(self) -> dict[str, str]:
        """Return profession code -> name (every profession the version names)."""
        return {p.code: p.name for p in self.professions}


def _check(policy: Policy, problems: Problems, doc: ProfessionCatalog) -> None:
    path = policy.root / "professions"
    departments = {d.code for d in policy.departments.departments}
    codes = [p.code for p in doc.professions]
    if len(set(codes)) != len(codes):
        problems.add(path, f"{doc.id}：职业编码重复")
    for p in doc.professions:
        if p.department is not None and p.department not in departments:
            problems.add(path, f"职业 {p.code} 的发证部门 {p.department} 不在部门名录中")
        if p.effective_to is not None and p.effective_to < p.effective_from:
            problems.add(path, f"职业 {p.code} 的 effective_to 早于 effective_from")
    if doc.sanctions.department not in departments:
        problems.add(path, f"惩戒信息的报送部门 {doc.sanctions.department} 不在部门名录中")
    unknown = set(doc.sanctions.revoking) - set(policy.enum_labels("professional_sanction").values())
    if unknown:
        problems.add(path, f"未知的惩戒类型：{sorted(unknown)}")
    item = policy.catalog.get(doc.sanctions.catalog_item)
    if item is None:
        problems.add(path, f"惩戒信息的目录项 {doc.sanctions.catalog_item} 不存在")
    elif item.subject_categories != ["自然人"]:
        problems.add(path, f"惩戒信息的目录项 {item.id} 只能以自然人为主体")


def load(policy: Policy) -> Versions[ProfessionCatalog]:
    """Load ``policy/professions/*.yaml``; refuse unknown departments and catalog items, overlapping versions."""
    return load_versions(policy, "professions", ProfessionCatalog, _check)


SECTION = Section("professions", load)


def catalog_of(policy: Policy, on: dt.date) -> ProfessionCatalog:
    """Return the catalog in force on ``on`` (a policy without one is a deployment error)."""
    found = policy.section(SECTION).in_force(on)
    if found is None:
        raise PolicyError(f"{on.isoformat()} 没有生效的重点职业人群目录", code="professions.no_catalog")
    return found
