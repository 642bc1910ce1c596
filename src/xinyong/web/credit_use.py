"""我的信用 → 信用评价与信用应用: the subject's own score with reasons and advice, the 信易+ scenes it
qualifies for, and its 信易贷 applications (view models for ``me/index.html``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from xinyong.auth.principal import Principal
from xinyong.errors import NotFound
from xinyong.evaluation import service as evaluation_service
from xinyong.finance import service as finance_service
from xinyong.finance.schemas import ApplicationRead
from xinyong.runtime import Runtime
from xinyong.scenes import service as scenes_service
from xinyong.scenes.schemas import MySceneRead
from xinyong.subjects.service import Subject


@dataclass(frozen=True)
class CreditUse:
    """What the subject's own page shows besides its file."""

    score: dict[str, Any] | None
    scenes: list[MySceneRead]
    applications: list[ApplicationRead]


def of_subject(session: Session, runtime: Runtime, principal: Principal, subject: Subject) -> CreditUse:
    """Return the subject's score (its own scale), scenes and applications."""
    today = runtime.today()
    try:
        score: dict[str, Any] | None = evaluation_service.explain(
            session, runtime.policy, subject, principal, None, today=today
        )
    except NotFound:
        score = None
    return CreditUse(
        score=score,
        scenes=scenes_service.mine(session, runtime.policy, subject, today),
        applications=[
            finance_service.read(session, runtime.policy, a)
            for a in finance_service.listing(session, principal)
        ],
    )
