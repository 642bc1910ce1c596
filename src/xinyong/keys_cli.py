"""``xinyong keys``: the personal-data encryption keys (rotation and census)."""

from __future__ import annotations

import json
from functools import partial
from typing import Annotated

import typer

app = typer.Typer(help="个人信息加密密钥", no_args_is_help=True)


@app.command("rotate")
def rotate_cmd(
    batch_size: Annotated[
        int, typer.Option("--batch-size", min=1, max=100_000, help="每批重新加密的条数（每批单独提交）")
    ] = 1000,
    as_json: Annotated[bool, typer.Option("--json", help="最后一行输出一个 JSON 对象")] = False,
) -> None:
    """把不在当前密钥与算法下的个人信息密文逐批重新加密（可中断后重跑续做；服务无需停止）。"""
    from xinyong.db import session_scope
    from xinyong.keyrotation import rotate
    from xinyong.runtime import Runtime
    from xinyong.settings import Settings

    runtime = Runtime.build(Settings())
    keys = runtime.keys
    typer.echo(f"当前加密算法 {keys.algorithm}，密钥标识 {keys.key_id.hex()}；每批 {batch_size} 条")
    report = rotate(
        partial(session_scope, runtime.sessions), keys, batch_size=batch_size, progress=typer.echo
    )
    typer.echo(f"完成：共重新加密 {report.total} 条")
    for column, ids in report.unreadable.items():
        typer.echo(
            f"无法解密（密钥不在密钥环中或密文被篡改）：{column} 共 {len(ids)} 条，id {ids[:20]}", err=True
        )
    if as_json:
        typer.echo(json.dumps({"key_id": report.key_id, "algorithm": report.algorithm,
                               "rotated": report.rotated, "unreadable": report.unreadable}))  # fmt: skip
    if report.unreadable:
        raise typer.Exit(code=1)


@app.command("status")
def status_cmd() -> None:
    """按“算法:密钥标识”统计各加密列的密文条数（legacy 为最早的无标识格式）。"""
    from xinyong.db import session_scope
    from xinyong.keyrotation import key_census
    from xinyong.runtime import Runtime
    from xinyong.settings import Settings

    runtime = Runtime.build(Settings())
    with session_scope(runtime.sessions, write=False) as session:
        census = key_census(session, runtime.keys)
    typer.echo(json.dumps(census, ensure_ascii=False))
