"""Command ``xinyong monitor run``: evaluate the signals and keep the alerts."""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated

import typer

from xinyong.cli_support import _runtime, fail
from xinyong.errors import XinyongError

app = typer.Typer(help="信用大脑：风险监测预警", no_args_is_help=True)


@app.command("run")
def run(
    on: Annotated[str | None, typer.Option("--on", help="监测日期 YYYY-MM-DD（默认今天）")] = None,
    full: Annotated[
        bool, typer.Option("--full", help="全量运行（默认只看上次运行以来事实有变化的主体）")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="最后一行输出 JSON")] = False,
) -> None:
    """按生效的预警信号运行一次监测，输出运行编号、查看的主体数、新开/更新/结束的预警数与用时。"""
    from xinyong.db import session_scope
    from xinyong.monitoring.service import run_monitor

    runtime = _runtime()
    try:
        day = dt.date.fromisoformat(on) if on else runtime.today()
    except ValueError:
        typer.echo("错误：--on 必须是 YYYY-MM-DD", err=True)
        raise typer.Exit(code=2) from None
    try:
        with session_scope(runtime.sessions) as session:
            result = run_monitor(
                session,
                runtime.policy,
                on=day,
                actor="system:cli",
                full=full,
            )
            summary = {
                "run_id": result.id,
                "on": result.on.isoformat(),
                "mode": result.mode,
                "subjects": result.subjects,
                "opened": result.opened,
                "updated": result.updated,
                "ended": result.ended,
                "seconds": result.seconds,
                "policy_hash": result.policy_hash,
            }
    except XinyongError as exc:
        fail(exc)
        return
    mode = "增量" if summary["mode"] == "incremental" else "全量"
    typer.echo(
        f"监测运行 {summary['run_id']}（{mode}，监测日 {summary['on']}）：查看主体 {summary['subjects']} 个，"
        f"新开预警 {summary['opened']}，更新 {summary['updated']}，结束 {summary['ended']}，用时 {summary['seconds']} 秒"
    )
    if as_json:
        typer.echo(json.dumps(summary, ensure_ascii=False))
