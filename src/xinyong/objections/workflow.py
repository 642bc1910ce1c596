"""The objection workflow's policy (``policy/workflows/objection.yaml``): deadlines, grounds and outcomes."""

from __future__ import annotations

from pydantic import Field, model_validator

from xinyong.policy.base import Strict, Versioned
from xinyong.policy.loader import Policy, load_file


class Labelled(Strict):
    """A code with its Chinese label."""

    code: str
    label: str


class ObjectionWorkflow(Versioned):
    """The objection workflow (异议处理)."""

    basis: str
    accept_workdays: int = Field(ge=0)
    decide_workdays: int = Field(ge=1)
    max_workdays: int = Field(ge=1)
    review_window_workdays: int = Field(ge=1)
    review_decide_workdays: int = Field(ge=1)
    review_max_workdays: int = Field(ge=1)
    review_department: str | None = None
    grounds: list[Labelled]
    outcomes: list[Labelled]

    @model_validator(mode="after")
    def _limits(self) -> ObjectionWorkflow:
        if self.max_workdays < self.decide_workdays or self.review_max_workdays < self.review_decide_workdays:
            raise ValueError("延长后的总期限不能短于正常期限")
        return self

    def ground_label(self, code: str) -> str | None:
        """Return the label of a ground code."""
        return next((g.label for g in self.grounds if g.code == code), None)

    def outcome_label(self, code: str) -> str | None:
        """Return the label of an outcome code."""
        return next((o.label for o in self.outcomes if o.code == code), None)


def load(policy: Policy) -> ObjectionWorkflow:
    """Load and check ``policy/workflows/objection.yaml``."""
    return load_file(policy, "workflows/objection.yaml", ObjectionWorkflow)


def objection_rules(policy: Policy) -> ObjectionWorkflow:
    """Return the objection workflow of ``policy`` (loaded once)."""
    return policy.section("workflows.objection", load)
