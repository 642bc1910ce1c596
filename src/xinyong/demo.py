"""The demo: build the embedded database, generate a small synthetic Taizhou and load it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import func, select

from xinyong import wiring
from xinyong.db import session_scope
from xinyong.migrate import upgrade
from xinyong.registers.sync import sync_all
from xinyong.runtime import Runtime
from xinyong.subjects.models import Subject
from xinyong.subjects.register import load_register

DEMO_END = dt.date(2026, 10, 31)
DemoStep = Callable[[Runtime, Path], list[str]]


def demo_steps() -> tuple[DemoStep, ...]:
    """Return the later demo steps of the capabilities, in order: ``fn(runtime, synth_dir) -> lines``.

    Imported here, not at the top: the steps read ``DEMO_END`` from this module.
    """
    from xinyong.agencies.demo import seed_agencies
    from xinyong.auth.demo import create_demo_accounts
    from xinyong.evaluation.demo import run_demo_evaluation
    from xinyong.finance.demo import seed_finance
    from xinyong.indices.demo import run_demo_indices
    from xinyong.ingest.demo import ingest_synth
    from xinyong.monitoring.demo import run_demo_monitor
    from xinyong.repair.demo import issue_notices
    from xinyong.rural.demo import seed_rural
    from xinyong.simulation.demo import run_demo_simulations

    return (
        ingest_synth,
        create_demo_accounts,
        run_demo_evaluation,
        seed_finance,
        seed_agencies,
        run_demo_monitor,
        issue_notices,
        seed_rural,
        run_demo_simulations,
        run_demo_indices,
    )


def load_demo(runtime: Runtime, *, seed: int = 1) -> list[str]:
    """Migrate, generate and load the demo data once; return lines to print."""
    from xinyong.synth.generate import generate

    wiring.install()  # the loaded batches issue their notices, as ingest through the CLI or API does
    settings = runtime.settings
    upgrade(settings.database_url)
    policy = runtime.policy
    lines = [f"数据库：{settings.database_url}", f"政策版本：{policy.short_hash}"]
    synth_dir = settings.var_dir / f"synth-small-{seed}"
    with session_scope(runtime.sessions) as session:
        sync_all(session, policy, actor="system:demo", on=runtime.today())
        loaded = session.scalar(select(func.count()).select_from(Subject)) or 0
    if loaded:
        lines.append(f"演示数据已存在（{loaded} 个信用主体），跳过装载。")
        return lines
    summary = generate(synth_dir, scale="small", seed=seed, mess=0.02, end=DEMO_END)
    with session_scope(runtime.sessions) as session:
        count = load_register(session, runtime.keys, Path(summary["register"]))
    lines.append(f"已装载合成台州：{count} 个信用主体（数据目录 {synth_dir}）")
    for step in demo_steps():
        lines.extend(step(runtime, synth_dir))
    return lines
