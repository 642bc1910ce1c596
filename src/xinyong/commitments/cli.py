"""``xinyong commitments load FILE``: register commitments from a file."""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Annotated

import typer

from xinyong.errors import XinyongError

app = typer.Typer(help="信用承诺", no_args_is_help=True)


@app.command("load")
def load(
    file: Annotated[
        Path,
        typer.Argument(
            help="CSV 文件（表头：统一社会信用代码、承诺类型、受理单位编码、承诺事项、承诺内容、承诺日期、履约期限）",
            exists=True,
        ),
    ],
) -> None:
    """从文件登记信用承诺；有问题的行逐行报告，不影响其他行。"""
    from xinyong.cli_support import _runtime, fail
    from xinyong.commitments.files import load_file
    from xinyong.db import session_scope

    runtime = _runtime()
    try:
        with session_scope(runtime.sessions) as session:
            report = load_file(session, runtime.policy, runtime.keys, file, actor=f"cli:{getpass.getuser()}")
    except XinyongError as exc:
        fail(exc)
        return
    typer.echo(f"已登记 {len(report.codes)} 条信用承诺，拒收 {len(report.errors)} 行。")
    for line, message in report.errors:
        typer.echo(f"  第 {line} 行：{message}", err=True)
