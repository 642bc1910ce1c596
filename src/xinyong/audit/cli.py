"""``xinyong audit``: verify the hash chain of the audit log."""

from __future__ import annotations

import json
from typing import Annotated

import typer

app = typer.Typer(help="审计日志", no_args_is_help=True)


@app.command("verify")
def verify(
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出结果")] = False,
) -> None:
    """校验审计日志哈希链：完整时退出码 0，否则指出第一条异常记录并以非零退出。"""
    from xinyong.audit import service
    from xinyong.db import session_scope
    from xinyong.runtime import Runtime
    from xinyong.settings import Settings

    runtime = Runtime.build(Settings())
    with session_scope(runtime.sessions, write=False) as session:
        check = service.verify(session)
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "ok": check.ok,
                    "entries": check.entries,
                    "first_bad_seq": check.first_bad_seq,
                    "reason": check.reason,
                },
                ensure_ascii=False,
            )
        )
    elif check.ok:
        typer.echo(f"审计日志完整：共 {check.entries} 条，哈希链校验通过。")
    else:
        typer.echo(
            f"审计日志异常：第一条异常记录序号 {check.first_bad_seq}：{check.reason}（此前 {check.entries} 条完好）",
            err=True,
        )
    if not check.ok:
        raise typer.Exit(code=1)
