"""Pydantic I/O of the check, feedback and screening endpoints."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator

from xinyong.kit.dates import InputDate


class SubjectQueryIn(BaseModel):
    """One subject: a code, or a name with an optional region (code or name) and legal representative."""

    model_config = ConfigDict(extra="forbid")

    code: str | None = Field(default=None, max_length=32)
    name: str | None = Field(default=None, max_length=200)
    region: str | None = Field(default=None, max_length=20)


class CheckIn(BaseModel):
    """Body of ``POST /api/v1/check``: one subject (code or name) or ``subjects`` (a batch)."""

    model_config = ConfigDict(extra="forbid")

    scenario: str = Field(max_length=40)
    code: str | None = Field(default=None, max_length=32)
    name: str | None = Field(default=None, max_length=200)
    region: str | None = Field(default=None, max_length=20)
    subjects: list[SubjectQueryIn] | None = Field(default=None, max_length=10_000)
    explain: bool = False
    on: InputDate | None = Field(default=None, description="核查日期（默认今天；用于复核历史核查）")

    @model_validator(mode="after")
    def _one_form(self) -> CheckIn:
        single = bool(self.code or self.name)
        if single == (self.subjects is not None):
            raise ValueError("须提供 code/name（单个主体）或 subjects（批量），且只能二选一")
        return self


class FeedbackItemIn(BaseModel):
    """Feedback on one hit: executed, or not executed with a reason."""

    model_config = ConfigDict(extra="forbid")

    hit_no: int = Field(ge=1)
    executed: bool
    reason: str | None = Field(default=None, max_length=500)


class FeedbackIn(BaseModel):
    """Body of ``POST /api/v1/check/{check_id}/feedback``."""

    model_config = ConfigDict(extra="forbid")

    items: list[FeedbackItemIn] = Field(min_length=1, max_length=10_000)


class ScreenIn(BaseModel):
    """Body of ``POST /api/v1/screen``."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=2, max_length=200)
    region: str | None = Field(default=None, max_length=20)
    legal_rep: str | None = Field(default=None, max_length=100)
    threshold: float | None = Field(default=None, ge=0, le=1)
    top_k: int | None = Field(default=None, ge=1, le=100)


class ScreenDecisionIn(BaseModel):
    """A reviewer's decision on a screened pair."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=2, max_length=200)
    candidate_kind: str = Field(pattern="^(subject|list)$")
    candidate_id: int
    decision: str = Field(pattern="^(different|same)$")
    reason: str | None = Field(default=None, max_length=500)
