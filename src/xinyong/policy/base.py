"""Common shape of every policy document: id, version, effective dates; unknown keys are refused."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, model_validator


class Strict(BaseModel):
    """A policy model that refuses unknown keys and is immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Versioned(Strict):
    """A versioned policy document with an effective date range (``effective_to`` inclusive)."""

    id: str
    version: str
    effective_from: dt.date
    effective_to: dt.date | None = None

    @model_validator(mode="after")
    def _dates_ordered(self) -> Versioned:
        if self.effective_to is not None and self.effective_to < self.effective_from:
            raise ValueError(f"{self.id}: effective_to 早于 effective_from")
        return self

    def in_force(self, on: dt.date) -> bool:
        """Tell whether the document is in force on ``on``."""
        return self.effective_from <= on and (self.effective_to is None or on <= self.effective_to)

    def overlaps(self, other: Versioned) -> bool:
        """Tell whether two documents' effective ranges overlap."""
        end_a = self.effective_to or dt.date.max
        end_b = other.effective_to or dt.date.max
        return self.effective_from <= end_b and other.effective_from <= end_a
