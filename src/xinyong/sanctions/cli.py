"""``xinyong check FILE --scenario S [--json]``: check a file of subject codes, as the API does."""

from __future__ import annotations

import getpass
import json
from pathlib import Path
from typing import Annotated

import typer

from xinyong.errors import XinyongError


def read_codes(path: Path) -> list[str]:
    """Read one code per line (or the first CSV column); blank lines and ``#`` comments are skipped."""
    codes: list[str] = []
    for line in path.read_text("utf-8-sig").splitlines():
        value = line.split(",", 1)[0].strip()
        if value and not value.startswith("#") and value not in ("code", "代码", "统一社会信用代码"):
            codes.append(value)
    return codes


def check(
    file: Annotated[Path, typer.Argument(help="主体代码文件：每行一个代码（或 CSV 第一列）", exists=True)],
    scenario: Annotated[str, typer.Option("--scenario", help="核查场景，如 行政许可、政府采购")],
    as_json: Annotated[bool, typer.Option("--json", help="输出完整 JSON")] = False,
    explain: Annotated[bool, typer.Option("--explain", help="说明每项候选措施适用或不适用的理由")] = False,
    department: Annotated[
        str | None, typer.Option("--department", help="核查部门编码（记入核查日志）")
    ] = None,
) -> None:
    """对文件中的主体代码做联合奖惩核查（记录核查日志并审计）。"""
    from xinyong.auth.principal import Principal, Role
    from xinyong.cli_support import _runtime, fail
    from xinyong.db import session_scope
    from xinyong.departments import service as departments_service
    from xinyong.sanctions import service
    from xinyong.sanctions.resolve import Query

    runtime = _runtime()
    codes = read_codes(file)
    try:
        with session_scope(runtime.sessions) as session:
            dept_id = departments_service.by_code(session, department).id if department else None
            principal = Principal(role=Role.ADMIN, username=f"cli:{getpass.getuser()}", department_id=dept_id)
            ctx = service.CheckContext(principal, scenario, runtime.today(), explain)
            answer = service.check(session, runtime.policy, runtime.keys, [Query(code=c) for c in codes], ctx)
    except XinyongError as exc:
        fail(exc)
        return
    if as_json:
        typer.echo(json.dumps(answer, ensure_ascii=False, indent=2))
        return
    typer.echo(f"核查编号 {answer['check_id']}（{answer['scenario_label']}，{answer['checked_on']}）")
    for item in answer["results"]:
        code = item["input"].get("code")
        if item["status"] != "found":
            typer.echo(f"{code}\t{item['status']}\t{item.get('message', '未找到主体')}")
            continue
        hits = (
            "；".join(f"{h['name']}{'（必须）' if h['mandatory'] else ''}" for h in item["hits"]) or "无惩戒"
        )
        rewards = "；".join(r["name"] for r in item["rewards"]) or "—"
        typer.echo(f"{code}\t{item['subject']['name']}\t惩戒：{hits}\t激励：{rewards}")
