"""``xinyong ingest FILE --source ID`` and ``xinyong ingest errors BATCH_ID --out FILE``; ``xinyong quality``."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperGroup

from xinyong.errors import XinyongError

if TYPE_CHECKING:
    from xinyong.runtime import Runtime


class FileOrCommand(TyperGroup):
    """A group whose first argument is a sub-command name or, otherwise, the file to ingest."""

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        """Dispatch ``errors`` to its command and anything else to the file import."""
        if args and args[0] in self.commands:
            return super().resolve_command(ctx, args)
        return "file", self.commands["file"], args


app = typer.Typer(
    cls=FileOrCommand,
    help=(
        "归集。导入：xinyong ingest FILE --source ID [--department 部门编码] [--json]"
        "（FILE 为 CSV/XLSX/JSON；详见 xinyong ingest FILE --help）。"
        "导出拒收行：xinyong ingest errors BATCH_ID --out FILE"
    ),
    no_args_is_help=True,
)


def _runtime() -> Runtime:
    from xinyong.runtime import Runtime
    from xinyong.settings import Settings

    return Runtime.build(Settings())


@app.command("file", hidden=True)
def ingest_cmd(
    file: Annotated[
        Path, typer.Argument(help="部门报送文件（CSV、XLSX 或 JSON）", exists=True, dir_okay=False)
    ],
    source: Annotated[str, typer.Option("--source", help="数据源编号（policy/sources/<id>.yaml）")],
    department: Annotated[
        str | None, typer.Option("--department", help="报送部门编码（默认取数据源配置；双公示按行识别）")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="最后一行输出一个 JSON 对象")] = False,
    notices: Annotated[
        bool,
        typer.Option("--notices/--no-notices", help="同一事务内为新的行政处罚生成信用修复告知书（两书同达）"),
    ] = True,
) -> None:
    """导入一个部门报送文件：校验、关联主体、入库；整批成功或整批不入库。"""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from xinyong.db import session_scope
    from xinyong.ingest.service import IngestRequest, ingest_file

    runtime = _runtime()
    show = sys.stderr.isatty() and not as_json
    progress = Progress(
        TextColumn("[bold]归集 {task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("行"),
        TimeElapsedColumn(),
        disable=not show,
        transient=True,
    )
    try:
        with progress, session_scope(runtime.sessions) as session:
            task = progress.add_task(file.name, total=None)
            result = ingest_file(
                session,
                IngestRequest(
                    path=file,
                    source_id=source,
                    department_code=department,
                    actor="cli:ingest",
                    chunk_rows=runtime.settings.ingest_chunk_rows,
                    issue_notices=notices,
                ),
                policy=runtime.policy,
                keys=runtime.keys,
                progress=lambda k: _advance(progress, task, k, show),
            )
    except XinyongError as exc:
        typer.echo(f"错误 [{exc.code}]：{exc.message}", err=True)
        raise typer.Exit(code=2) from exc
    typer.echo(result.summary_zh())
    for warning in result.warnings:
        typer.echo(f"提示：{warning}")
    if as_json:
        typer.echo(json.dumps(result.to_dict(), ensure_ascii=False))


@app.command("errors")
def errors_cmd(
    batch_id: Annotated[int, typer.Argument(help="批次编号")],
    out: Annotated[Path, typer.Option("--out", help="输出文件（.csv 或 .xlsx；默认按原文件格式）")],
) -> None:
    """把某批次的拒收行按部门原格式导出，附中文错误说明列。"""
    from xinyong.db import session_scope
    from xinyong.ingest.export import export_rejects

    runtime = _runtime()
    try:
        with session_scope(runtime.sessions) as session:
            count, path = export_rejects(session, runtime.keys, batch_id, out)
    except XinyongError as exc:
        typer.echo(f"错误 [{exc.code}]：{exc.message}", err=True)
        raise typer.Exit(code=2) from exc
    typer.echo(f"已导出批次 {batch_id} 的 {count} 条拒收行：{path}")


quality_app = typer.Typer(help="归集质量指标")


@quality_app.callback(invoke_without_command=True)
def quality_cmd(
    period: Annotated[
        str | None, typer.Option("--period", help="统计期：YYYY-MM 或 YYYY（默认全部）")
    ] = None,
    department: Annotated[str | None, typer.Option("--department", help="部门编码")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
) -> None:
    """按部门和统计期计算入库率、关联率、及时率、完整率、重错码率与报送量提示。"""
    from xinyong.db import session_scope
    from xinyong.ingest.quality import quality_report

    runtime = _runtime()
    with session_scope(runtime.sessions) as session:
        report = quality_report(session, runtime.policy, period=period, department_code=department)
    if as_json:
        typer.echo(json.dumps(report, ensure_ascii=False))
        return
    for row in report["departments"]:
        typer.echo(
            f"{row['department_code']} {row['period']}：读取 {row['rows']} 行，入库率 {_pct(row['intake_rate'])}，"
            f"关联率 {_pct(row['link_rate'])}，及时率 {_pct(row['timely_rate'])}，完整率 {_pct(row['complete_rate'])}，"
            f"重错码率 {_pct(row['code_error_rate'])}"
        )
    for warning in report["warnings"]:
        typer.echo(f"提示：{warning}")


_done: dict[int, int] = {}


def _advance(progress: Any, task: Any, rows: int, show: bool) -> None:
    """Advance the bar on a terminal; elsewhere log one progress line per chunk to stderr."""
    if show:
        progress.advance(task, rows)
        return
    _done[task] = _done.get(task, 0) + rows
    typer.echo(f"归集进度：已处理 {_done[task]} 行", err=True)


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"
