"""Pydantic I/O of 信易+ scenes."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field, model_validator

from xinyong.kit.dates import InputDate


class EligibilityIn(BaseModel):
    """Ask whether a subject qualifies: an organisation's code, or a person's consented token."""

    model_config = ConfigDict(extra="forbid")

    code: str | None = Field(default=None, min_length=9, max_length=40, description="组织的统一社会信用代码")
    token: str | None = Field(default=None, min_length=10, max_length=100, description="个人授权核验令牌")

    @model_validator(mode="after")
    def _one(self) -> EligibilityIn:
        if (self.code is None) == (self.token is None):
            raise ValueError("须给出 code（组织）或 token（个人授权令牌）之一")
        return self


class EligibilityRead(BaseModel):
    """The scene's answer to the provider."""

    scene: str
    scene_name: str
    eligible: bool
    benefit: str | None
    reason: str


class UsageIn(EligibilityIn):
    """A benefit the provider gave."""

    benefit: str = Field(min_length=1, max_length=200)
    value_yuan: int | None = Field(default=None, ge=0, le=10**9)
    used_on: InputDate


class UsageRead(BaseModel):
    """A recorded usage."""

    id: int
    scene: str
    benefit: str
    value_yuan: int | None
    used_on: dt.date


class TokenRead(BaseModel):
    """A person's token for one scene's provider (shown once)."""

    scene: str
    provider: str
    provider_name: str
    token: str
    expires_at: dt.datetime


class MySceneRead(BaseModel):
    """A scene as the subject sees it for itself."""

    id: str
    name: str
    provider_name: str
    benefit: str
    eligible: bool
    detail: str


class SceneStat(BaseModel):
    """Usage of one scene."""

    scene: str
    scene_name: str
    usages: int
    subjects: int
    value_yuan: int
