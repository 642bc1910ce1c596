"""Request dependencies of the case workflows (repair, objections): one :class:`Act` per request."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from fastapi import Depends
from sqlalchemy.orm import Session

from xinyong.app_deps import AppRuntime, DbSession, get_clock
from xinyong.auth.deps import require
from xinyong.auth.principal import Principal, Role
from xinyong.clock import Clock
from xinyong.policy.loader import Policy
from xinyong.runtime import Runtime
from xinyong.subjects import scope


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
        runtime: AppRuntime,
        clock: Clock = Depends(get_clock),
        principal: Principal = Depends(require(*roles)),
    ) -> Act:
        return Act(session=session, runtime=runtime, principal=principal, clock=clock)

    return dependency
