"""Workflow policy (``policy/workflows/``): deadlines, materials and eligibility rules as data.

The repair rules are defined here; the objection rules belong to ``objections.workflow`` and the
notification rules to ``outbox.workflow``; ``queue.yaml`` holds the work queue's reminders. ``load`` checks
the files together for ``policy check``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from pydantic import Field, model_validator

from xinyong.objections.workflow import ObjectionWorkflow
from xinyong.outbox.workflow import NotificationWorkflow
from xinyong.policy.base import Strict, Versioned
from xinyong.policy.loader import Policy, Problems, Section, load_model

RepairMode = Literal["penalty_end", "list_removal", "other"]
RegimeCondition = Literal["no_repeat_same_violation", "not_on_abnormal_list", "not_on_serious_list"]


class Material(Strict):
    """One kind of material an applicant provides."""

    code: str = Field(pattern=r"^[a-z_]+$")
    label: str
    required: bool = False


class ModeRules(Strict):
    """Rules of one repair mode (终止公示 / 移出名单 / 其他失信信息)."""

    label: str
    catalog_items: list[str]
    materials: list[Material]
    min_months: int = Field(default=0, ge=0)
    min_months_by_list_type: dict[str, int] = {}

    def material(self, code: str) -> Material | None:
        """Return the material called ``code``, if this mode knows it."""
        return next((m for m in self.materials if m.code == code), None)


MaterialMediaType = Literal["application/pdf", "image/jpeg", "image/png"]


class MaterialType(Strict):
    """A file format applicants may upload, recognised by its content (see ``storage.sniff``)."""

    media_type: MaterialMediaType
    label: str
    extension: str = Field(pattern=r"^[a-z0-9]+$")
    preview: bool = False  # an image the console may show inline (from the attachment endpoint)


class RepairWorkflow(Versioned):
    """The repair workflow (信用修复)."""

    basis: str
    accept_workdays: int = Field(ge=0)
    decide_workdays: int = Field(ge=1)
    supplement_workdays: int = Field(ge=1)
    serious_list_items: list[str]
    modes: dict[RepairMode, ModeRules]
    regime_conditions: dict[str, list[RegimeCondition]] = {}
    abnormal_list_items: list[str] = []
    violation_fields: dict[str, str] = {}
    notice_items: list[str] = []
    commitment_text: str
    material_types: list[MaterialType] = Field(min_length=1)
    material_max_bytes: int = Field(gt=0)
    material_max_files: int = Field(gt=0)

    def material_type(self, media_type: str | None) -> MaterialType | None:
        """Return the allowed material format ``media_type``, if the workflow accepts it."""
        return next((t for t in self.material_types if t.media_type == media_type), None)

    @model_validator(mode="after")
    def _items_once(self) -> RepairWorkflow:
        seen: dict[str, str] = {}
        for mode, rules in self.modes.items():
            for item in rules.catalog_items:
                if item in seen:
                    raise ValueError(f"目录项 {item} 同时属于修复方式 {seen[item]} 与 {mode}")
                seen[item] = mode
        return self

    def mode_of(self, catalog_item: str) -> RepairMode | None:
        """Return the repair mode that handles a catalog item, if any."""
        for mode, rules in self.modes.items():
            if catalog_item in rules.catalog_items:
                return mode
        return None


class QueueRules(Versioned):
    """Reminders of the department work queue (修复与异议待办)."""

    basis: str
    due_soon_days: int = Field(ge=0, description="期限在此天数内（含当天）到期、未超期的案件标为临期")

    def due_soon(self, due: dt.date | None, today: dt.date, *, overdue: bool) -> bool:
        """Tell whether a case not yet overdue falls due within ``due_soon_days`` of ``today``."""
        return due is not None and not overdue and (due - today).days <= self.due_soon_days


@dataclass(frozen=True)
class Workflows:
    """The loaded workflow section."""

    repair: RepairWorkflow
    objection: ObjectionWorkflow
    notification: NotificationWorkflow
    queue: QueueRules

    def __len__(self) -> int:
        return 4


def load(policy: Policy) -> Workflows:
    """Load and check ``policy/workflows/``."""
    root = policy.root / "workflows"
    problems = Problems(policy.root)
    repair = load_model(root / "repair.yaml", RepairWorkflow, problems)
    objection = load_model(root / "objection.yaml", ObjectionWorkflow, problems)
    notification = load_model(root / "notification.yaml", NotificationWorkflow, problems)
    queue = load_model(root / "queue.yaml", QueueRules, problems)
    if repair is not None:
        for item in [
            *repair.serious_list_items,
            *repair.abnormal_list_items,
            *repair.notice_items,
            *(i for m in repair.modes.values() for i in m.catalog_items),
        ]:
            if item not in policy.catalog:
                problems.add(root / "repair.yaml", f"目录项 {item} 不存在")
        for regime_id in repair.regime_conditions:
            if regime_id not in {r.id for r in policy.regimes}:
                problems.add(root / "repair.yaml", f"公示期规则 {regime_id} 不存在")
        for mode in ("penalty_end", "list_removal", "other"):
            if mode not in repair.modes:
                problems.add(root / "repair.yaml", f"缺少修复方式 {mode}")
    problems.raise_if_any()
    if repair is None or objection is None or notification is None or queue is None:
        raise AssertionError("unreachable: problems were raised above")
    return Workflows(repair=repair, objection=objection, notification=notification, queue=queue)


SECTION = Section("workflows", load)


def workflows(policy: Policy) -> Workflows:
    """Return the workflow section of ``policy`` (loaded once)."""
    return policy.section(SECTION)
