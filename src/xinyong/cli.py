"""The ``xinyong`` command line: database, policy, synthetic data, demo and server."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from xinyong import keys_cli, wiring
from xinyong.audit import cli as audit_cli
from xinyong.cli_support import _runtime, fail
from xinyong.commitments import cli as commitments_cli
from xinyong.errors import XinyongError
from xinyong.evaluation import cli as evaluation_cli
from xinyong.indices import cli as indices_cli
from xinyong.ingest import cli as ingest_cli
from xinyong.monitoring import cli as monitoring_cli
from xinyong.outbox import cli as outbox_cli
from xinyong.records import cli as records_cli
from xinyong.repair import cli as repair_cli
from xinyong.reports import cli as reports_cli
from xinyong.rural import cli as rural_cli
from xinyong.sanctions import cli as sanctions_cli
from xinyong.simulation import cli as simulation_cli
from xinyong.timetravel import cli as timetravel_cli

if TYPE_CHECKING:
    from xinyong.runtime import Runtime

app = typer.Typer(help="信用 Xinyong —— 城市公共信用信息平台命令行", no_args_is_help=True)
db_app = typer.Typer(help="数据库", no_args_is_help=True)
policy_app = typer.Typer(help="政策数据（policy/）", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(policy_app, name="policy")

# Sub-commands of the capabilities, as (name, Typer app).
SUBCOMMANDS: tuple[tuple[str, typer.Typer], ...] = (
    ("audit", audit_cli.app),
    ("repair", repair_cli.app),
    ("outbox", outbox_cli.app),
    ("ingest", ingest_cli.app),
    ("quality", ingest_cli.quality_app),
    ("evaluate", evaluation_cli.evaluate_app),
    ("inspections", evaluation_cli.inspections_app),
    ("commitments", commitments_cli.app),
    ("monitor", monitoring_cli.app),
    ("indices", indices_cli.app),
    ("retention", records_cli.retention_app),
    ("keys", keys_cli.app),
    ("timetravel", timetravel_cli.app),
    ("rural", rural_cli.app),
)
# Top-level commands of the capabilities, as (name, function).
COMMANDS: tuple[tuple[str, Callable[..., None]], ...] = (
    ("check", sanctions_cli.check),
    ("report", reports_cli.report),
)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """把数据库迁移到最新版本，并按 policy/ 同步部门、行政区划、数据源等名录。"""
    from xinyong.migrate import upgrade

    runtime = _runtime()
    upgrade(runtime.settings.database_url)
    typer.echo("数据库已迁移到最新版本。")
    _sync_registers(runtime)


def _sync_registers(runtime: Runtime) -> None:
    from xinyong.registers.sync import sync_database

    try:
        counts = sync_database(runtime.engine, runtime.policy, actor="system:policy-sync", on=runtime.today())
    except XinyongError as exc:
        fail(exc)
        return
    names = {
        "department": "部门",
        "region": "行政区划",
        "source": "数据源",
        "institution": "金融与信用服务机构",
        "deadline": "按新日历重算的期限",
        "policy_snapshot": "存档的政策版本",
    }
    typer.echo(
        "名录已按 policy/ 同步：" + "，".join(f"{names.get(k, k)}变更 {v} 项" for k, v in counts.items())
    )


@policy_app.command("sync")
def policy_sync() -> None:
    """按 policy/ 同步数据库中的名录（部门、行政区划、数据源），保留历史；db upgrade 也会执行。"""
    _sync_registers(_runtime())


@policy_app.command("check")
def policy_check(
    policy_dir: Annotated[Path | None, typer.Option("--dir", help="政策目录（默认按设置）")] = None,
) -> None:
    """校验 policy/ 下的全部政策数据。"""
    from xinyong.policy.loader import load_policy
    from xinyong.policy_sections import check_sections
    from xinyong.settings import Settings

    root = policy_dir or Settings().policy_dir
    try:
        policy = load_policy(root)
        counts = check_sections(policy)
    except XinyongError as exc:
        fail(exc)
        return
    typer.echo(
        f"政策数据校验通过：目录项 {len(policy.catalog)} 个，公示期规则 {len(policy.regimes)} 个，"
        f"部门 {len(policy.departments.departments)} 个" + "".join(f"，{k} {v} 个" for k, v in counts.items())
    )
    typer.echo(f"policy_hash={policy.hash}")


policy_app.command("simulate")(simulation_cli.simulate)


@app.command("synth")
def synth(
    out: Annotated[Path, typer.Option("--out", help="输出目录")],
    scale: Annotated[str, typer.Option("--scale", help="small | medium | city")] = "small",
    seed: Annotated[int, typer.Option("--seed", help="随机种子（相同种子产生相同字节）")] = 1,
    mess: Annotated[
        float, typer.Option("--mess", help="缺陷比例 0–1：坏校验位、全角数字、混合日期格式、重复、更正")
    ] = 0.0,
    end: Annotated[str, typer.Option("--end", help="数据截止日期（默认 2026-10-31）")] = "2026-10-31",
) -> None:
    """生成确定性的合成台州数据（主体登记与部门报送文件）。"""
    import datetime as dt

    from xinyong.synth.generate import generate

    if scale not in ("small", "medium", "city"):
        typer.echo("错误：--scale 只能是 small、medium 或 city", err=True)
        raise typer.Exit(code=2)
    if not 0.0 <= mess <= 1.0:
        typer.echo("错误：--mess 必须在 0 与 1 之间", err=True)
        raise typer.Exit(code=2)
    summary = generate(out, scale=scale, seed=seed, mess=mess, end=dt.date.fromisoformat(end))
    typer.echo(json.dumps(summary, ensure_ascii=False))


@app.command("demo")
def demo(
    no_serve: Annotated[bool, typer.Option("--no-serve", help="只装载演示数据，不启动服务")] = False,
    host: Annotated[str, typer.Option("--host")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port")] = 8000,
    seed: Annotated[int, typer.Option("--seed")] = 1,
) -> None:
    """建库、生成并装载一个小规模的合成台州，然后启动平台。"""
    from xinyong.demo import load_demo

    runtime = _runtime()
    try:
        summary = load_demo(runtime, seed=seed)
    except XinyongError as exc:
        fail(exc)
        return
    for line in summary:
        typer.echo(line)
    if no_serve:
        return
    typer.echo(
        f"平台已启动：http://{host}:{port}/ （接口文档 http://{host}:{port}/api/docs ，按 Ctrl+C 停止）"
    )
    serve(host=host, port=port)


@app.command("serve")
def serve(
    host: Annotated[str, typer.Option("--host")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port")] = 8000,
    log_level: Annotated[str, typer.Option("--log-level", help="日志级别")] = "info",
    access_log: Annotated[bool, typer.Option("--access-log/--no-access-log", help="逐条记录访问日志")] = True,
) -> None:
    """启动 Web 服务（门户、管理后台与 /api/v1）。"""
    import uvicorn

    from xinyong.app import serve_app
    from xinyong.hotproto import server_protocol
    from xinyong.security_headers import HEADERS

    web = serve_app()
    # in production uvicorn adds the security headers to every response, the hot protocol's included
    headers = [(n.decode(), v.decode()) for n, v in HEADERS] if getattr(web, "secure_headers", False) else []
    web.secure_headers = False  # type: ignore[attr-defined]  # XinyongAPI's; the server adds them instead
    uvicorn.run(
        web,
        host=host,
        port=port,
        log_level=log_level,
        access_log=access_log,
        http=server_protocol(web),
        headers=headers,
    )


@app.command("backup")
def backup_cmd(
    file: Annotated[
        Path, typer.Argument(help="备份文件（SQLite 为数据库文件，PostgreSQL 为 pg_dump 自定义格式）")
    ],
) -> None:
    """校验审计链并写签名检查点，然后在线备份数据库到 FILE（服务无需停止）。"""
    from xinyong import backup
    from xinyong.audit import anchors
    from xinyong.audit.service import audit_keys
    from xinyong.db import session_scope
    from xinyong.runtime import Runtime
    from xinyong.settings import Settings

    settings = Settings()
    runtime = Runtime.build(settings)
    try:
        with session_scope(runtime.sessions, write=False) as session:
            point = anchors.write(session, audit_keys(settings), settings.anchor_dir)
        backup.backup(settings, file)
    except ValueError as exc:
        fail(XinyongError(str(exc), code="backup.chain_invalid"))
        return
    except XinyongError as exc:
        fail(exc)
        return
    typer.echo(f"已备份到 {file}（审计链头：第 {point.seq} 条，已写检查点）")


@app.command("restore")
def restore_cmd(file: Annotated[Path, typer.Argument(help="xinyong backup 写出的备份文件")]) -> None:
    """检查备份文件后用它替换数据库内容，再校验审计哈希链（恢复前请停止服务）。"""
    from xinyong import backup
    from xinyong.audit import service as audit_service
    from xinyong.db import session_scope
    from xinyong.runtime import Runtime
    from xinyong.settings import Settings

    settings = Settings()
    try:
        backup.restore(settings, file)
    except XinyongError as exc:
        fail(exc)
        return
    runtime = Runtime.build(settings)
    with session_scope(runtime.sessions, write=False) as session:
        check = audit_service.verify(session, keys=audit_service.audit_keys(settings))
    if not check.ok:
        message = f"已恢复，但审计哈希链校验未通过：第 {check.first_bad_seq} 条：{check.reason}"
        fail(XinyongError(message, code="backup.chain_invalid"))
    typer.echo(f"已从 {file} 恢复；审计日志 {check.entries} 条，哈希链校验通过")


for _name, _sub in SUBCOMMANDS:
    app.add_typer(_sub, name=_name)
for _name, _command in COMMANDS:
    app.command(_name)(_command)
wiring.install()  # every command's services react as the API's do (hooks of the capabilities)


def main() -> None:
    """Run the CLI."""
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())  # type: ignore[func-returns-value]
