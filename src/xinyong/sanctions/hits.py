"""What other capabilities read of the checks' hits: measures hit per day, and a subject's measures.

The check writes ``check_log`` and ``check_hit`` (``service``); the monitoring screen and the timeline
read them through these functions only.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from xinyong.sanctions.models import CheckHit, CheckLog


def hits_by_day(session: Session, first: dt.date, last: dt.date) -> list[tuple[dt.date, int]]:
    """Return the number of measures hit per check day from ``first`` to ``last``."""
    rows = session.execute(
        select(CheckLog.checked_on, func.count())
        .join(CheckHit, CheckHit.check_id == CheckLog.check_id)
        .where(CheckLog.checked_on >= first, CheckLog.checked_on <= last)
        .group_by(CheckLog.checked_on)
    ).all()
    return [(day, n) for day, n in rows]


def measures_of(session: Session, subject_id: int) -> list[tuple[dt.date, str, str, str | None]]:
    """Return (day, scenario, measure id, feedback) of the measures a subject was hit with, oldest first."""
    rows = session.execute(
        select(CheckLog.checked_on, CheckLog.scenario, CheckHit.measure_id, CheckHit.feedback)
        .join(CheckLog, CheckLog.check_id == CheckHit.check_id)
        .where(CheckHit.subject_id == subject_id)
        .order_by(CheckLog.checked_on)
    ).all()
    return [(day, scenario, measure, fb) for day, scenario, measure, fb in rows]
