"""金融机构与信用服务机构名录 (financial and credit-service institutions): ``policy/institutions.yaml``.

The institutions that may query a subject's file with its authorisation, ask for full reports and take
part in 信易贷. Loaded and checked like every policy section; ``db upgrade`` keeps the register in step.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from xinyong.kit.ids import is_valid_uscc
from xinyong.policy.base import Strict, Versioned
from xinyong.policy.loader import Policy, Problems, Section, load_model

KIND_LABELS = {
    "bank": "银行",
    "rural_bank": "农村商业银行",
    "guarantor": "融资担保机构",
    "credit_agency": "征信机构",
    "insurer": "保险机构",
    "scene_provider": "信易+服务机构",
}


class Institution(Strict):
    """One institution of the register."""

    code: str = Field(pattern=r"^[A-Z0-9][A-Z0-9-]*$")
    name: str = Field(min_length=2)
    kind: Literal["bank", "rural_bank", "guarantor", "credit_agency", "insurer", "scene_provider"]
    region: str = Field(pattern=r"^\d{6}$")
    uscc: str | None = None
    licence: str | None = None
    effective_to: dt.date | None = Field(default=None, description="停止合作之日（含），历史保留")


class Institutions(Versioned):
    """The register document."""

    basis: str
    institutions: list[Institution]

    def __len__(self) -> int:
        return len(self.institutions)


def load(policy: Policy) -> Institutions:
    """Load ``policy/institutions.yaml``; refuse duplicate codes or names, unknown regions, bad USCCs."""
    problems = Problems(policy.root)
    path = policy.root / "institutions.yaml"
    doc = load_model(path, Institutions, problems)
    if doc is not None:
        regions = {r.code for r in policy.regions.regions}
        codes: set[str] = set()
        names: set[str] = set()
        for i in doc.institutions:
            if i.code in codes:
                problems.add(path, f"机构编码 {i.code} 重复")
            if i.name in names:
                problems.add(path, f"机构名称 {i.name} 重复")
            codes.add(i.code)
            names.add(i.name)
            if i.region not in regions:
                problems.add(path, f"机构 {i.code} 的区划 {i.region} 不存在")
            if i.uscc is not None and not is_valid_uscc(i.uscc):
                problems.add(path, f"机构 {i.code} 的统一社会信用代码 {i.uscc} 校验不通过")
    problems.raise_if_any()
    if doc is None:
        raise AssertionError("unreachable: problems were raised above")
    return doc


SECTION = Section("institutions", load)


def institutions_of(policy: Policy) -> Institutions:
    """Return the loaded register (once per policy)."""
    return policy.section(SECTION)
