"""``xinyong rural load|rate|publish``: register villages and households from files, rate a period, publish it."""

from __future__ import annotations

import datetime as dt
import getpass
import json
from pathlib import Path
from typing import Annotated

import typer

from xinyong.errors import Invalid, XinyongError

app = typer.Typer(
    help="农村信用：农户登记、信用户与信用村（社区）、信用乡镇、信用县评定", no_args_is_help=True
)


def _actor() -> str:
    return f"cli:{getpass.getuser()}"


@app.command("load")
def load(
    villages: Annotated[Path, typer.Option(help="村（社区）文件，表头 uscc,township,unit_kind", exists=True)],
    households: Annotated[
        Path,
        typer.Option(
            help="农户文件（每名家庭成员一行），表头 household,village_uscc,name,member_id_card,member_name,relation",
            exists=True,
        ),
    ],
) -> None:
    """登记村（社区）与农户、家庭成员；身份证号码只以盲索引保存。"""
    from xinyong.cli_support import _runtime, fail
    from xinyong.db import session_scope
    from xinyong.rural import service

    runtime = _runtime()
    try:
        with session_scope(runtime.sessions) as session:
            counts = service.load_files(session, runtime.keys, villages, households, actor=_actor())
    except XinyongError as exc:
        fail(exc)
        return
    typer.echo(
        f"已登记村（社区）{counts['villages']} 个、农户 {counts['households']} 户、家庭成员 {counts['members']} 人。"
    )


@app.command("rate")
def rate(
    period: Annotated[str, typer.Option(help="评定年度，如 2026")],
    as_of: Annotated[str | None, typer.Option("--as-of", help="评定日（默认：年度末与今天中较早者）")] = None,
    publish: Annotated[bool, typer.Option(help="评定后立即公布")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出")] = False,
) -> None:
    """评定全部农户与村（社区）、乡镇、县，保存结果（带政策哈希）；可同时公布。"""
    from xinyong.cli_support import _runtime, fail
    from xinyong.db import session_scope, utcnow
    from xinyong.rural import service

    runtime = _runtime()
    try:
        day = dt.date.fromisoformat(as_of) if as_of else None
    except ValueError:
        fail(Invalid("评定日须为 YYYY-MM-DD", code="rural.bad_as_of"))
        return
    try:
        with session_scope(runtime.sessions) as session:
            on = service.period_as_of(period, runtime.today(), day)
            run = service.run_period(session, runtime.policy, period, on=on, actor=_actor())
            if publish:
                service.publish(session, run.id, actor=_actor(), now=utcnow())
            read = service.run_read(session, run)
    except XinyongError as exc:
        fail(exc)
        return
    if as_json:
        typer.echo(json.dumps(read.model_dump(mode="json"), ensure_ascii=False))
        return
    c = read.counts
    typer.echo(
        f"评定批次 {read.id}（{read.period} 年度，评定日 {read.as_of}）：信用户 {c['household']} 户，"
        f"信用村（社区）{c['village']} 个，信用乡镇 {c['township']} 个，信用县 {c['county']} 个；"
        f"{'已公布' if read.published_at else '未公布'}。政策哈希 {read.policy_hash[:12]}"
    )


@app.command("publish")
def publish_cmd(run_id: Annotated[int, typer.Argument(help="评定批次编号")]) -> None:
    """公布一个评定批次：信用村（社区）名单向社会公开，信用户名单供部门使用。"""
    from xinyong.cli_support import _runtime, fail
    from xinyong.db import session_scope, utcnow
    from xinyong.rural import service

    runtime = _runtime()
    try:
        with session_scope(runtime.sessions) as session:
            service.publish(session, run_id, actor=_actor(), now=utcnow())
    except XinyongError as exc:
        fail(exc)
        return
    typer.echo(f"评定批次 {run_id} 已公布。")
