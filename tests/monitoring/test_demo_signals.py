"""The demo city (``make demo``: the small synthetic Taizhou, loaded, evaluated and monitored weekly) raises
an alert of every shipped signal — a signal the synthetic data never triggers is a gap in the data or in
the signal."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from xinyong.db import session_scope
from xinyong.demo import load_demo
from xinyong.monitoring.models import Alert
from xinyong.monitoring.signals import signals_of
from xinyong.runtime import Runtime
from xinyong.settings import Settings


@pytest.mark.slow
def test_the_demo_city_raises_every_shipped_signal(settings: Settings, tmp_path: Path) -> None:
    demo = settings.model_copy(
        update={"database_url": f"sqlite:///{tmp_path / 'demo.sqlite3'}", "var_dir": tmp_path}
    )
    runtime = Runtime.build(demo)
    try:
        load_demo(runtime)
        with session_scope(runtime.sessions) as session:
            fired = set(session.scalars(select(Alert.signal_id).distinct()))
    finally:
        runtime.engine.dispose()
    shipped = {s.id for s in signals_of(runtime.policy).signals}
    assert shipped - fired == set()
