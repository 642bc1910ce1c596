"""Request dependencies of the workflow APIs: the request's clock (overridable in tests)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from fastapi import Depends

from xinyong.app_deps import get_runtime
from xinyong.db import utcnow
from xinyong.kit.workdays import WorkdayCalendar
from xinyong.runtime import Runtime


@dataclass(frozen=True)
class Clock:
    """The instant a request happens and its business date (Asia/Shanghai)."""

    now: dt.datetime
    today: dt.date
    calendar: WorkdayCalendar | None = None  # the policy's working days, to mark 暂定 deadlines


def request_now() -> dt.datetime:
    """Return the current instant (tests override this dependency with a fixed one)."""
    return utcnow()


def get_clock(runtime: Runtime = Depends(get_runtime), now: dt.datetime = Depends(request_now)) -> Clock:
    """Return the request's clock."""
    return Clock(now=now, today=runtime.today(now), calendar=runtime.policy.calendar)
