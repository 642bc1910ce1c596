"""The demo city (``make demo``: the small synthetic Taizhou, loaded, evaluated and monitored weekly) raises
an alert of every shipped signal — a signal the synthetic data never triggers is a gap in the data or in
the signal."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from xinyong.db import session_scope
from xinyong.monitoring.models import Alert
from xinyong.monitoring.signals import signals_of
from xinyong.runtime import Runtime


@pytest.mark.slow
def test_the_demo_city_raises_every_shipped_signal(demo_city: Runtime) -> None:
    with session_scope(demo_city.sessions) as session:
        fired = set(session.scalars(select(Alert.signal_id).distinct()))
    shipped = {s.id for s in signals_of(demo_city.policy).signals}
    assert shipped - fired == set()
