"""Request dependencies of the workflow APIs: the request's clock (overridable in tests) and its :class:`Act`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from fastapi import Depends
from sqlalchemy.orm import Session

from xinyong.app_deps import DbSession, get_runtime
from xinyong.auth.deps import require
from xinyong.auth.principal import Principal, Role
from xinyong.db import utcnow
from xinyong.kit.workdays import WorkdayCalendar
from xinyong.policy.loader import Policy
from xinyong.runtime import Runtime
from xinyong.subjects import scope


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


@dataclass(frozen=True)
class Act:
    """One request on a workflow (repair, objection): its session, the runtime, the caller and the clock."""

    session: Session
    runtime: Runtime
    principal: Principal
    clock: Clock

    @property
    def policy(self) -> Policy:
        """Return the policy in force."""
        return self.runtime.policy

    def authorise_read(self, subject_id: int, department_id: int | None, what: str) -> None:
        """Check the caller's scope for a non-public read about a subject and log it (谁查询了我)."""
        scope.authorise_read(
            self.session,
            self.policy,
            self.principal,
            subject_id,
            what=what,
            on=self.clock.today,
            owner_department_id=department_id,
        )


def acting(*roles: Role) -> Callable[..., Act]:
    """Return a dependency giving the request's :class:`Act` for a caller holding one of ``roles``."""

    def dependency(
        session: DbSession,
        runtime: Runtime = Depends(get_runtime),
        clock: Clock = Depends(get_clock),
        principal: Principal = Depends(require(*roles)),
    ) -> Act:
        return Act(session=session, runtime=runtime, principal=principal, clock=clock)

    return dependency
