"""Inputs and outputs of rural credit: the household file, unit results, runs and the published 信用村 list."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from xinyong.kit.dates import InputDate

UNIT_LABELS = {
    "household": "农户",
    "village": "村（社区）",
    "township": "乡镇（街道）",
    "county": "县（市、区）",
}


class CriterionRead(BaseModel):
    """One criterion of a rating, met or not, with the value it was judged on."""

    code: str
    label: str
    met: bool
    value: float | None = Field(description="全户合计（农户）或比例、计数（村、乡镇、县）；无数据时为空")
    value_text: str = Field(description="给人读的数值：比例为百分数，计数为整数，无数据为“无数据”")


def criterion_read(
    code: str, label: str, met: bool, value: float | None, share: bool = False
) -> CriterionRead:
    """Return a criterion's result with its value as people read it."""
    if value is None:
        text = "无数据"
    elif share:
        text = f"{value * 100:.1f}%"
    else:
        text = str(int(value))
    return CriterionRead(code=code, label=label, met=met, value=value, value_text=text)


class HouseholdRatingRead(BaseModel):
    """A household's 信用户 rating on a day, with a reason per criterion."""

    level_code: str
    level_name: str
    scheme_id: str
    scheme_version: str
    basis: str
    as_of: dt.date
    criteria: list[CriterionRead]


class MemberRead(BaseModel):
    """A household member as the file shows it: the ID number masked, never in clear."""

    name: str
    id_masked: str
    relation: str
    registered: bool = Field(description="是否已是平台登记的自然人信用主体")


class VillageRef(BaseModel):
    """The village (or community) a household belongs to."""

    id: int
    name: str
    uscc: str | None
    township: str
    unit_kind: str
    region_name: str | None


class HouseholdFile(BaseModel):
    """A household's credit file (农户信用档案): members, village and the 信用户 rating. Never public."""

    id: int
    name: str
    region_code: str | None
    region_name: str | None
    village: VillageRef | None
    members: list[MemberRead]
    rating: HouseholdRatingRead
    basis: str
    purpose: str
    notice: str
    policy_hash: str


class RunIn(BaseModel):
    """Rate every household and unit for a period (a year), as of a day within it."""

    period: str = Field(pattern=r"^20\d{2}$", description="评定年度，如 2026")
    as_of: InputDate | None = Field(default=None, description="评定日；默认为年度末与今天中较早者")
    publish: bool = False


class RunRead(BaseModel):
    """A rating run of a period."""

    id: int
    period: str
    as_of: dt.date
    policy_hash: str
    versions: dict[str, str]
    created_by: str
    created_at: dt.datetime
    published_at: dt.datetime | None
    counts: dict[str, int] = Field(default_factory=dict, description="各层级达标的单位数")


class UnitResultRead(BaseModel):
    """One unit's result in a run, with its counts and a reason per criterion."""

    unit: str
    unit_label: str
    key: str
    subject_id: int | None
    name: str
    region_code: str | None
    region_name: str | None
    township: str | None
    title: str
    met: bool
    counts: dict[str, int]
    criteria: list[CriterionRead]


class UnitResultsPage(BaseModel):
    """The results of one level of units in the latest run of a period."""

    period: str | None
    unit: str
    run: RunRead | None
    results: list[UnitResultRead]


class PublishedVillage(BaseModel):
    """A village on the published 信用村（社区）list: the collective and village-level counts only."""

    name: str
    uscc: str | None
    township: str | None
    region_name: str | None
    title: str
    households: int
    credit_households: int


class PublishedList(BaseModel):
    """The published 信用村（社区）list of a period (households are personal: only counts per village)."""

    period: str | None
    as_of: dt.date | None
    published_at: dt.datetime | None
    policy_hash: str | None
    villages: list[PublishedVillage]
    periods: list[str]
