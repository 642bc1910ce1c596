"""Demo step: run the monitoring signals over the synthetic city as of the demo's end date."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

from sqlalchemy import select

from xinyong.db import session_scope
from xinyong.demo import DEMO_END
from xinyong.evaluation import service as evaluation_service
from xinyong.monitoring.models import Alert
from xinyong.monitoring.service import run_monitor
from xinyong.monitoring.signals import signals_of
from xinyong.runtime import Runtime, sqlite_file

REPLAY_FROM = dt.date(2026, 1, 4)
REPLAY_STEP = dt.timedelta(days=7)
QUARTER_ENDS = (dt.date(2026, 3, 31), dt.date(2026, 6, 30), dt.date(2026, 9, 30))


def _quarterly_evaluations(runtime: Runtime) -> None:
    """Evaluate as of each quarter's end before the demo end, as a city evaluating quarterly would have.

    The demo's current grades stay those as of its end date (the latest batch); the earlier ones give the
    grade-drop signal a history to compare with.
    """
    for as_of in QUARTER_ENDS:
        with session_scope(runtime.sessions) as session:
            evaluation_service.run_evaluation(
                session, runtime.policy, as_of, actor="system:demo", sqlite_path=sqlite_file(runtime)
            )


def run_demo_monitor(runtime: Runtime, _synth_dir: Path) -> list[str]:
    """Replay the year as weekly runs up to the demo end date (the first full, then incremental).

    The synthetic feeds arrive at once, but their decisions are spread over the year: weekly runs show the
    alerts a city running the monitor every week would have seen, and their lifecycle.
    """
    _quarterly_evaluations(runtime)
    days = [REPLAY_FROM + i * REPLAY_STEP for i in range((DEMO_END - REPLAY_FROM) // REPLAY_STEP + 1)]
    if days[-1] != DEMO_END:
        days.append(DEMO_END)
    opened = subjects = 0
    for i, day in enumerate(days):
        with session_scope(runtime.sessions) as session:
            run = run_monitor(
                session,
                runtime.policy,
                on=day,
                actor="system:demo",
                full=i == 0,
            )
            opened, subjects = opened + run.opened, subjects + run.subjects
    with session_scope(runtime.sessions) as session:
        counts = Counter(session.scalars(select(Alert.signal_id)))
        names = {s.id: s.name for s in signals_of(runtime.policy).signals}
    line = f"风险监测：按周运行 {len(days)} 次（{REPLAY_FROM} 至 {DEMO_END}），查看主体 {subjects} 人次，预警 {opened} 条"
    return [line, "  " + "，".join(f"{names.get(k, k)} {n}" for k, n in counts.most_common())]
