"""The intake dashboard's windows (``policy/ingest/dashboard.yaml``): how far back "recent" and the
monthly chart reach. Policy, not code: the centre may widen a window without a release."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from pydantic import Field

from xinyong.kit.dates import sub_months
from xinyong.policy.base import Versioned
from xinyong.policy.loader import Policy, Problems, Section, load_model


class DashboardRules(Versioned):
    """The windows of the intake dashboard."""

    basis: str
    recent_days: int = Field(ge=1, le=366, description="“近期归集”统计最近多少天首次接收的记录")
    monthly_months: int = Field(ge=1, le=60, description="“按月归集量”图表回看多少个月")

    def recent_since(self, today: dt.date) -> dt.date:
        """Return the first day counted as recent on ``today``."""
        return today - dt.timedelta(days=self.recent_days)

    def monthly_since(self, today: dt.date) -> dt.date:
        """Return the first day the monthly chart covers on ``today``."""
        return sub_months(today, self.monthly_months)


@dataclass(frozen=True)
class IngestRules:
    """The loaded ingest section (sized, as ``policy check`` expects)."""

    dashboard: DashboardRules

    def __len__(self) -> int:
        return 1


def load(policy: Policy) -> IngestRules:
    """Load and check ``policy/ingest/``."""
    problems = Problems(policy.root)
    dashboard = load_model(policy.root / "ingest" / "dashboard.yaml", DashboardRules, problems)
    problems.raise_if_any()
    if dashboard is None:
        raise AssertionError("unreachable: problems were raised above")
    return IngestRules(dashboard=dashboard)


SECTION = Section("ingest", load)


def dashboard_rules(policy: Policy) -> DashboardRules:
    """Return the dashboard windows of ``policy`` (loaded once)."""
    return policy.section(SECTION).dashboard
