"""``xinyong timetravel replay``: recompute a sample of stored checks and evaluation runs, byte for byte."""

from __future__ import annotations

import json
from collections import Counter
from typing import Annotated

import typer

app = typer.Typer(help="时间回溯：按（有效日期、已知时刻、政策哈希）重算历史应答", no_args_is_help=True)


@app.command("replay")
def replay_cmd(
    checks: Annotated[int, typer.Option("--checks", min=0, help="重算最近的核查条数")] = 100,
    runs: Annotated[int, typer.Option("--runs", min=0, help="重算最近的评价批次数")] = 1,
    per_run: Annotated[int, typer.Option("--per-run", min=1, help="每个批次抽查的主体数")] = 100,
    as_json: Annotated[bool, typer.Option("--json", help="最后一行输出一个 JSON 对象")] = False,
) -> None:
    """重算已保存的核查与评价结果并逐字节比较；有不一致时以非零状态退出。"""
    from xinyong.db import session_scope
    from xinyong.runtime import Runtime
    from xinyong.settings import Settings
    from xinyong.timetravel import replay

    runtime = Runtime.build(Settings())
    with session_scope(runtime.sessions) as session:
        out = replay.replay_sample(
            session,
            runtime.policy,
            runtime.keys,
            runtime.settings.var_dir,
            checks=checks,
            runs=runs,
            per_run=per_run,
        )
    for r in out:
        if r.status != replay.IDENTICAL:
            kind = "核查" if r.kind == "check" else "评价"
            typer.echo(
                f"{kind} {r.ref}：{replay.STATUS_LABELS[r.status]}{'（' + r.reason + '）' if r.reason else ''}"
            )
    counts = Counter(r.status for r in out)
    typer.echo(
        f"重算 {len(out)} 项：一致 {counts[replay.IDENTICAL]}，不一致 {counts[replay.DIFFERENT]}，"
        f"未重算 {counts[replay.SKIPPED]}"
    )
    if as_json:
        typer.echo(json.dumps({"total": len(out), **{k: counts[k] for k in replay.STATUS_LABELS}}))
    if counts[replay.DIFFERENT]:
        raise typer.Exit(code=1)
