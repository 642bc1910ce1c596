"""Statistics of 信易贷 for the credit centre: applications and loans by grade, industry and county."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.evaluation import service as evaluation_service
from xinyong.finance.models import LoanApplication
from xinyong.finance.schemas import FinanceStatistics, StatRow
from xinyong.finance.states import Status
from xinyong.policy.loader import Policy

UNKNOWN = "未知"


def _rows(apps: list[LoanApplication], key: Callable[[LoanApplication], str]) -> list[StatRow]:
    groups: dict[str, list[LoanApplication]] = {}
    for a in apps:
        groups.setdefault(key(a), []).append(a)
    return [_row(k, v) for k, v in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))]


def _row(key: str, apps: list[LoanApplication]) -> StatRow:
    granted = [a for a in apps if a.status == Status.GRANTED.value]
    return StatRow(
        key=key,
        applications=len(apps),
        granted=len(granted),
        granted_yuan=sum(a.granted_yuan or 0 for a in granted),
    )


def statistics(session: Session, policy: Policy) -> FinanceStatistics:
    """Return applications and loans grouped by grade at application, industry and county."""
    apps = list(session.scalars(select(LoanApplication)))
    counties = evaluation_service.county_map(policy)

    def county(a: LoanApplication) -> str:
        return counties.get(a.region_code or "", UNKNOWN)

    return FinanceStatistics(
        total=_row("合计", apps),
        by_grade=_rows(apps, lambda a: a.grade or UNKNOWN),
        by_industry=_rows(apps, lambda a: a.industry or UNKNOWN),
        by_county=_rows(apps, county),
    )
