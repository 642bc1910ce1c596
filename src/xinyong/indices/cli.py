"""Commands ``xinyong indices compute`` and ``xinyong indices import``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from xinyong.cli_support import _runtime, fail
from xinyong.errors import XinyongError

app = typer.Typer(help="指数：政务诚信、部门绩效、城市信用监测自评", no_args_is_help=True)


@app.command("compute")
def compute(
    period: Annotated[
        str, typer.Option("--period", help="统计期：2026-10（月）、2026Q4（季度）或 2026（年）")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="最后一行输出 JSON")] = False,
) -> None:
    """计算统计期内生效的全部指数并保存结果：输出运行编号、单位数、用时与政策哈希。"""
    from xinyong.db import session_scope
    from xinyong.indices import service

    runtime = _runtime()
    try:
        with session_scope(runtime.sessions) as session:
            summary = service.compute(session, runtime.policy, period, actor="system:cli")
    except XinyongError as exc:
        fail(exc)
        return
    done = "；".join(f"{k} {len(v)} 期" for k, v in summary.indices.items()) or "无生效指数"
    typer.echo(
        f"指数运行 {summary.run_id}（统计期 {summary.period}）：{done}；单位结果 {summary.units} 个，"
        f"用时 {summary.seconds} 秒，政策 {summary.policy_hash[:12]}"
    )
    if as_json:
        typer.echo(json.dumps(summary.model_dump(), ensure_ascii=False))


@app.command("import")
def import_figures(
    file: Annotated[
        Path,
        typer.Argument(
            help="导入文件（CSV 或 XLSX；列：统计期、单位编码、指标编码、数值）", exists=True, dir_okay=False
        ),
    ],
    index: Annotated[str, typer.Option("--index", help="指数编号，如 gov-integrity-county")],
    as_json: Annotated[bool, typer.Option("--json", help="最后一行输出 JSON")] = False,
) -> None:
    """导入平台无法计算的指标数据；任何一行有误则全部不导入，并列出全部错误。"""
    from xinyong.db import session_scope
    from xinyong.indices import service

    runtime = _runtime()
    try:
        with session_scope(runtime.sessions) as session:
            report = service.import_file(session, runtime.policy, file, index, actor="system:cli")
    except XinyongError as exc:
        fail(exc)
        return
    for error in report.errors:
        typer.echo(error, err=True)
    if report.errors:
        typer.echo(f"导入失败：{len(report.errors)} 处错误，未导入任何数据", err=True)
    else:
        typer.echo(f"已导入批次 {report.batch_no}：{report.stored} 行（指数 {report.index_id}）")
    if as_json:
        typer.echo(json.dumps(report.model_dump(), ensure_ascii=False))
    if report.errors:
        raise typer.Exit(code=1)
