"""Typed input and output of the auth API."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

from xinyong.kit.dates import InputDate


class LoginIn(BaseModel):
    """Sign-in credentials."""

    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=200)


class Me(BaseModel):
    """The caller."""

    username: str
    role: str
    role_label: str
    subject_id: int | None = None
    department_id: int | None = None
    region_code: str | None = None
    organisation: str | None = None
    csrf_token: str | None = None


class AuthorisationIn(BaseModel):
    """A new authorisation (授权书) of a registered institution (no free-text grantee is accepted)."""

    model_config = ConfigDict(extra="forbid")

    institution_code: str = Field(min_length=1, max_length=32, description="被授权机构编码（机构名录）")
    purpose: str = Field(min_length=1, max_length=200, description="查询用途")
    sections: list[str] = Field(default_factory=list, max_length=20, description="授权查询的档案栏目")
    score: bool = Field(default=False, description="是否授权查询信用评分")
    valid_from: InputDate
    valid_to: InputDate


class AuthorisationRead(BaseModel):
    """An authorisation."""

    id: int
    grantee_code: str | None = None
    grantee_organisation: str
    purpose: str
    sections: list[str]
    score: bool
    valid_from: dt.date
    valid_to: dt.date
    created_at: dt.datetime
    revoked_at: dt.datetime | None = None
    status: str
    invalid_reason: str | None = None


class QueryRead(BaseModel):
    """One entry of 谁查询了我."""

    occurred_at: dt.datetime
    who: str
    role: str
    organisation: str | None = None
    what: str
    purpose: str
    basis: str
    basis_ref: str | None = None


class QueryPage(BaseModel):
    """A page of the subject's query log."""

    total: int
    items: list[QueryRead]
