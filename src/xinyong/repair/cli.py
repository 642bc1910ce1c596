"""``xinyong repair``: issue repair notices (两书同达) and print one."""

from __future__ import annotations

from typing import Annotated

import typer

from xinyong.cli_support import _runtime, fail
from xinyong.db import session_scope
from xinyong.errors import XinyongError

app = typer.Typer(help="信用修复", no_args_is_help=True)


@app.command("notices")
def notices_cmd(
    since_batch: Annotated[int | None, typer.Option("--since-batch", help="只处理该批次之后的记录")] = None,
) -> None:
    """为新的行政处罚、严重失信名单记录生成信用修复告知书（两书同达）。"""
    from xinyong.repair.notice_batch import issue_notices_for_new_penalties

    runtime = _runtime()
    with session_scope(runtime.sessions) as session:
        count = issue_notices_for_new_penalties(session, runtime.policy, since_batch, actor="system:cli")
    typer.echo(f"已生成信用修复告知书 {count} 份。")


@app.command("notice")
def notice_cmd(
    record_id: int,
    html: Annotated[bool, typer.Option("--html", help="输出 HTML")] = False,
) -> None:
    """打印一条记录的信用修复告知书。"""
    from xinyong.repair.notices import notice_for

    runtime = _runtime()
    try:
        with session_scope(runtime.sessions) as session:
            notice = notice_for(session, runtime.policy, record_id, actor="system:cli")
            typer.echo(notice.html if html else notice.text)
    except XinyongError as exc:
        fail(exc)
