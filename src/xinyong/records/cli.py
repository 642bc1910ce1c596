"""``xinyong retention purge``: delete what is past the legal retention period, audited."""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated

import typer

retention_app = typer.Typer(help="保存期限", no_args_is_help=True)


@retention_app.command("purge")
def purge_cmd(
    dry_run: Annotated[bool, typer.Option("--dry-run", help="只统计将删除的数量，不删除")] = False,
    on: Annotated[str | None, typer.Option("--on", help="按该日期判断保存期（YYYY-MM-DD，默认今天）")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="最后一行输出一个 JSON 对象")] = False,
) -> None:
    """删除保存期满的不良信息（浙江条例第十六条，含各版本及其依附数据）与超过 10 年的查询记录；删除本身记入审计。"""
    from functools import partial

    from xinyong.db import session_scope
    from xinyong.kit.dates import bounded
    from xinyong.records.retention import purge
    from xinyong.runtime import Runtime
    from xinyong.settings import Settings

    runtime = Runtime.build(Settings())
    try:
        day = bounded(dt.date.fromisoformat(on)) if on else runtime.today()
    except ValueError as exc:
        typer.echo(f"错误 [retention.bad_date]：--on 应为 YYYY-MM-DD 的合理日期（{exc}）", err=True)
        raise typer.Exit(code=2) from exc
    report = purge(partial(session_scope, runtime.sessions), runtime.policy, on=day, dry_run=dry_run)
    verb = "将删除" if dry_run else "已删除"
    deps = "、".join(f"{k} {v} 条" for k, v in sorted(report.dependents.items())) or "无"
    typer.echo(
        f"{day} 保存期满：{verb}信用记录 {report.records} 条（含 {report.record_versions} 个版本），"
        f"依附数据 {deps}；{verb}超过保存期的查询记录 {report.query_logs} 条"
    )
    if as_json:
        typer.echo(json.dumps(report.to_dict(), ensure_ascii=False))
