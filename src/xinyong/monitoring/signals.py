"""Signal rules (预警信号) as policy data (``policy/signals/*.yaml``) and their loader.

A signal names its legal or business basis, the subject kinds it watches, a condition from a small closed
vocabulary (records of catalog items in a window, a list entry, commitments falling due, licences
expiring, links to listed subjects), a severity (提示 / 关注 / 预警 / 严重预警), a dedup window and who is
told. Adding a signal is a YAML file; a bad reference fails ``xinyong policy check``.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from xinyong.policy.base import Strict, Versioned
from xinyong.policy.loader import Policy, Problems, Section, load_dir
from xinyong.policy.schemas import Severity
from xinyong.subjects.models import SubjectKind

AlertSeverity = Literal["提示", "关注", "预警", "严重预警"]
SEVERITY_RANK: dict[str, int] = {"提示": 0, "关注": 1, "预警": 2, "严重预警": 3}


class RecordsCondition(Strict):
    """At least ``min_count`` usable records of the items, decided in the last ``window_days`` days.

    ``min_departments`` > 1 makes it a burst across departments; ``severities`` narrows to those classes.
    """

    type: Literal["records"]
    catalog_items: list[str] = Field(min_length=1)
    severities: list[Severity] = []
    window_days: int = Field(ge=1, le=3650)
    min_count: int = Field(default=1, ge=1)
    min_departments: int = Field(default=1, ge=1)
    where: dict[str, list[str]] = {}  # payload field → accepted values (e.g. 变更事项 in 法定代表人, 住所)


class CommitmentCondition(Strict):
    """A commitment breached and not remedied, or past its due date unfulfilled.

    Commitments come from the commitment register and from departments' feeds (``catalog_items``, whose
    ``status_field`` carries the fulfilment status); ``breached_statuses`` name a breach.
    """

    type: Literal["commitments"]
    catalog_items: list[str] = Field(min_length=1)
    status_field: str
    breached_statuses: list[str] = Field(min_length=1)
    overdue_after_days: int = Field(default=0, ge=0, le=365)


class LicenceCondition(Strict):
    """A licence (``catalog_items``) of an operating subject whose validity ends within ``days`` days."""

    type: Literal["licence_expiring"]
    catalog_items: list[str] = Field(min_length=1)
    days: int = Field(ge=1, le=365)
    operating_statuses: list[str] = Field(min_length=1)


class ListedCondition(Strict):
    """The subject has an entry of the list items (``catalog_items``) in force: listed and not yet removed."""

    type: Literal["listed"]
    catalog_items: list[str] = Field(min_length=1)


class LinkedCondition(Strict):
    """The subject's legal representative also represents a subject with a list entry in force."""

    type: Literal["linked_listed"]
    catalog_items: list[str] = Field(min_length=1)


class GradeDropCondition(Strict):
    """The newest grade, given within ``window_days``, is ``levels`` or more below the best grade of the
    ``lookback_days`` before it on the same scale (the order of the model's grade bands, policy/models/).
    """

    type: Literal["grade_drop"]
    levels: int = Field(ge=1, le=10)
    window_days: int = Field(ge=1, le=3650)
    lookback_days: int = Field(ge=1, le=3650)


AnyCondition = (
    RecordsCondition
    | CommitmentCondition
    | LicenceCondition
    | ListedCondition
    | LinkedCondition
    | GradeDropCondition
)
Condition = Annotated[AnyCondition, Field(discriminator="type")]
Recipient = Literal["source", "jurisdiction", "credit_centre"]


class Signal(Versioned):
    """One signal rule."""

    name: str
    basis: str
    subject_kinds: list[str] = Field(min_length=1)
    condition: Condition
    severity: AlertSeverity
    dedup_days: int = Field(ge=0, le=3650)
    notify: list[Recipient] = Field(min_length=1)
    departments: list[str] = []  # departments told besides the recipients above
    advice: str = ""


class SignalSet:
    """The loaded signals; ``in_force(on)`` gives the versions in force on a day."""

    def __init__(self, signals: tuple[Signal, ...]) -> None:
        self.signals = signals

    def __len__(self) -> int:
        return len(self.signals)

    def in_force(self, on: object) -> list[Signal]:
        """Return the signals in force on ``on`` (a date)."""
        import datetime as dt

        assert isinstance(on, dt.date)  # noqa: S101 - typed callers
        return [s for s in self.signals if s.in_force(on)]

    def get(self, signal_id: str) -> Signal | None:
        """Return the newest version of a signal by id."""
        found = [s for s in self.signals if s.id == signal_id]
        return max(found, key=lambda s: s.effective_from) if found else None


def _items_of(condition: AnyCondition) -> list[str]:
    return list(getattr(condition, "catalog_items", []))


def _fields_of(condition: AnyCondition) -> list[str]:
    if isinstance(condition, CommitmentCondition):
        return [condition.status_field]
    if isinstance(condition, RecordsCondition):
        return list(condition.where)
    return []


def load(policy: Policy) -> SignalSet:
    """Load ``policy/signals/*.yaml`` (registered as ``signals``); refuse dangling references."""
    problems = Problems(policy.root)
    signals = load_dir(policy.root / "signals", Signal, problems)
    kinds = {k.value for k in SubjectKind}
    departments = {d.code for d in policy.departments.departments}
    for s in signals:
        path = policy.root / "signals" / f"{s.id}.yaml"
        for kind in s.subject_kinds:
            if kind not in kinds:
                problems.add(path, f"主体类别 {kind} 不存在")
        for item in _items_of(s.condition):
            if item not in policy.catalog:
                problems.add(path, f"条件引用了不存在的目录项 {item}")
                continue
            names = {f.name for f in policy.catalog[item].fields}
            for field in _fields_of(s.condition):
                if field not in names:
                    problems.add(path, f"目录项 {item} 没有字段 {field}")
        for code in s.departments:
            if code not in departments:
                problems.add(path, f"部门 {code} 不存在")
    problems.raise_if_any()
    return SignalSet(tuple(signals))


SECTION = Section("signals", load)


def signals_of(policy: Policy) -> SignalSet:
    """Return the loaded signals of a policy."""
    return policy.section(SECTION)
