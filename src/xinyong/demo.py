"""The demo: build the embedded database, generate a small synthetic Taizhou and load it."""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import func, select

from xinyong.db import session_scope
from xinyong.migrate import upgrade
from xinyong.registers.sync import sync_all
from xinyong.runtime import Runtime
from xinyong.subjects.models import Subject
from xinyong.subjects.register import load_register

# Later demo steps of the capabilities, as "module:function(runtime, synth_dir) -> list[str]" (in order).
DEMO_STEPS: tuple[str, ...] = (
    "xinyong.ingest.demo:ingest_synth",
    "xinyong.auth.demo:create_demo_accounts",
    "xinyong.evaluation.demo:run_demo_evaluation",
    "xinyong.finance.demo:seed_finance",
    "xinyong.monitoring.demo:run_demo_monitor",
    "xinyong.repair.demo:issue_notices",
)
DEMO_END = dt.date(2026, 10, 31)


def load_demo(runtime: Runtime, *, seed: int = 1) -> list[str]:
    """Migrate, generate and load the demo data once; return lines to print."""
    from xinyong.synth.generate import generate

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
    for spec in DEMO_STEPS:
        module, _, name = spec.partition(":")
        step: Callable[[Runtime, Path], list[str]] = getattr(importlib.import_module(module), name)
        lines.extend(step(runtime, synth_dir))
    return lines
