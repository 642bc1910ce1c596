"""``xinyong outbox``: deliver due messages (once or in a loop) and configure recipients."""

from __future__ import annotations

import time
from typing import Annotated

import typer

from xinyong.cli_support import _runtime, fail
from xinyong.db import session_scope
from xinyong.errors import XinyongError

app = typer.Typer(help="变更通知发件箱", no_args_is_help=True)


@app.command("dispatch")
def dispatch_cmd(
    loop: Annotated[bool, typer.Option("--loop", help="持续运行")] = False,
    interval: Annotated[float, typer.Option("--interval", help="轮询间隔（秒）")] = 5.0,
) -> None:
    """投递到期的变更通知（失败按退避策略重试）。"""
    from xinyong.outbox.dispatch import default_transports, dispatch_due
    from xinyong.outbox.workflow import notification_rules

    runtime = _runtime()
    rules = notification_rules(runtime.policy)
    transports = default_transports(rules)
    while True:
        r = dispatch_due(runtime.sessions, rules, transports)
        typer.echo(f"已投递 {r.delivered}，待重试 {r.retried}，放弃 {r.dead}")
        if not loop:
            return
        time.sleep(interval)


@app.command("endpoint")
def endpoint_cmd(
    recipient: str,
    url: Annotated[str | None, typer.Option("--url", help="webhook 地址；不填则投递到站内收件箱")] = None,
    secret: Annotated[str | None, typer.Option("--secret", help="HMAC 签名密钥")] = None,
) -> None:
    """配置接收方（如 department:3）的推送方式。"""
    from xinyong.outbox.service import set_endpoint

    runtime = _runtime()
    try:
        with session_scope(runtime.sessions) as session:
            set_endpoint(
                session,
                actor="system:cli",
                recipient=recipient,
                transport="webhook" if url else "inbox",
                url=url,
                secret=secret,
            )
    except XinyongError as exc:
        fail(exc)
    typer.echo(f"已配置 {recipient}")
