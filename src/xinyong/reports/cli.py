"""``xinyong report CODE --kind K … --out FILE.pdf`` and ``xinyong report batch CODES.csv --kind K --out DIR``.

The command line acts as the credit centre (every report is audited with the operator's name); a batch
commits report by report, so one bad code does not undo the others.
"""

from __future__ import annotations

import csv
import datetime as dt
import getpass
import time
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import ValidationError

from xinyong.cli_support import _runtime, fail
from xinyong.errors import XinyongError

KIND_HELP = "报告类型：public（公开版）、full（完整版）、special（专项信用报告）"
HEADER_CELLS = frozenset({"code", "uscc", "统一社会信用代码", "代码"})


def _codes(path: Path) -> list[str]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        cells = [row[0].strip() for row in csv.reader(fh) if row and row[0].strip()]
    if cells and cells[0].lower() in HEADER_CELLS:
        cells = cells[1:]
    return cells


def _corrections() -> None:
    from xinyong.db import utcnow
    from xinyong.reports import service

    runtime = _runtime()
    with runtime.sessions() as session:
        found = service.notify_new_versions(
            session, runtime.policy, now=utcnow(), actor=f"cli:{getpass.getuser()}"
        )
        session.commit()
    typer.echo(f"已检查 {found} 条其后有更正版本的报告记录，并通知了报告接收方（重复运行不会重复通知）。")


def report(
    args: Annotated[
        list[str],
        typer.Argument(
            help="主体代码；或 batch CODES.csv；或 corrections（通知报告接收方其后的更正）",
            metavar="CODE | batch CODES.csv | corrections",
        ),
    ],
    kind: Annotated[str, typer.Option("--kind", help=KIND_HELP)] = "public",
    domains: Annotated[
        list[str] | None, typer.Option("--domains", help="专项报告的领域（可重复或用逗号分隔）")
    ] = None,
    start: Annotated[str | None, typer.Option("--from", help="专项报告期间开始（YYYY-MM-DD）")] = None,
    end: Annotated[str | None, typer.Option("--to", help="专项报告期间结束（YYYY-MM-DD）")] = None,
    purpose: Annotated[str | None, typer.Option("--purpose", help="用途")] = None,
    out: Annotated[Path, typer.Option("--out", help="单份：输出 PDF 文件；批量：输出目录")] = Path(
        "report.pdf"
    ),
) -> None:
    """出具签名的信用报告（PDF 与签名 JSON 副本）；批量时从 CSV 第一列读取主体代码。"""
    if args == ["corrections"]:
        _corrections()
        return
    batch = len(args) == 2 and args[0] == "batch"
    if not batch and len(args) != 1:
        typer.echo(
            "用法：xinyong report CODE --kind K --out FILE.pdf 或 xinyong report batch CODES.csv --kind K --out DIR",
            err=True,
        )
        raise typer.Exit(code=2)
    names = [n.strip() for d in (domains or []) for n in d.replace("，", ",").split(",") if n.strip()]
    try:
        period = (
            {"from": dt.date.fromisoformat(start), "to": dt.date.fromisoformat(end)}
            if start and end
            else None
        )
    except ValueError:
        typer.echo("错误 [report.bad_period]：日期格式应为 YYYY-MM-DD", err=True)
        raise typer.Exit(code=2) from None
    codes = _codes(Path(args[1])) if batch else [args[0]]
    requests = [
        (code, {"code": code, "kind": kind, "domains": names, "period": period, "purpose": purpose})
        for code in codes
    ]
    if batch:
        out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    index_rows, failed = _issue_all(requests, out, batch=batch)
    seconds = time.perf_counter() - t0
    issued = len(index_rows)
    if batch:
        _write_index(out, index_rows, failed)
    _tell(out, index_rows, failed, seconds, batch=batch)
    if failed and not issued:
        raise typer.Exit(code=2)


def _issue_all(
    requests: list[tuple[str, dict[str, Any]]], out: Path, *, batch: bool
) -> tuple[list[tuple[str, str, str]], list[tuple[str, str]]]:
    """Issue one report per code, committing each; return (code, number, file) issued and (code, why) failed."""
    from xinyong.auth.principal import Principal, Role
    from xinyong.db import utcnow
    from xinyong.reports import service
    from xinyong.reports.schemas import ReportRequest

    runtime = _runtime()
    ctx = service.Context.of(runtime.settings, runtime.keys, runtime.policy)
    on = runtime.today()
    principal = Principal(role=Role.ADMIN, username=f"cli:{getpass.getuser()}")
    issued: list[tuple[str, str, str]] = []
    failed: list[tuple[str, str]] = []
    for code, data in requests:
        try:
            req = ReportRequest.model_validate(data)
        except ValidationError as exc:
            failed.append((code, f"参数有误：{exc.errors()[0]['msg']}"))
            continue
        with runtime.sessions() as session:
            try:
                row = service.issue(session, ctx, principal, req, on=on, now=utcnow())
                pdf = service.download(session, principal, row.number, "pdf")
                twin = service.download(session, principal, row.number, "json")
                session.commit()
            except XinyongError as exc:
                session.rollback()
                if not batch:
                    fail(exc)
                failed.append((code, f"[{exc.code}] {exc.message}"))
                continue
        target = out / f"{row.number}.pdf" if batch else out
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(pdf)
        target.with_suffix(".json").write_bytes(twin)
        issued.append((code, row.number, target.name))
    return issued, failed


def _write_index(out: Path, issued: list[tuple[str, str, str]], failed: list[tuple[str, str]]) -> None:
    """Write the batch's index.csv: every code with its report number and file, or why it failed."""
    from xinyong.kit.text import inert_cell

    with (out / "index.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["code", "number", "file"])
        writer.writerows([[inert_cell(v) for v in r] for r in issued])
        for code, why in failed:
            writer.writerow([inert_cell(code), "", inert_cell(why)])


def _tell(
    out: Path,
    issued: list[tuple[str, str, str]],
    failed: list[tuple[str, str]],
    seconds: float,
    *,
    batch: bool,
) -> None:
    """Say what failed and what was issued (a batch: how many, how fast, where)."""
    for code, why in failed:
        typer.echo(f"未出具 {code}：{why}", err=True)
    if batch:
        rate = len(issued) / seconds if seconds else 0.0
        typer.echo(
            f"已出具 {len(issued)} 份，失败 {len(failed)} 份，用时 {seconds:.1f} 秒（{rate:.1f} 份/秒），输出目录 {out}"
        )
    elif issued:
        typer.echo(f"已出具报告 {issued[0][1]}：{out}（签名 JSON：{out.with_suffix('.json')}）")
