"""Command ``xinyong policy simulate``: a proposed policy tree run beside the one in force."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from xinyong.cli_support import _runtime, fail
from xinyong.errors import Invalid, XinyongError

if TYPE_CHECKING:
    from xinyong.simulation.models import PolicySimulation


def summary_lines(row: PolicySimulation) -> list[str]:
    """Return the printed summary of a simulation: totals, the transition matrices and the counties."""
    r: dict[str, Any] = row.result
    s = r["summary"]
    lines = [
        f"政策模拟 {row.id}：提案 {row.proposal_id}（{row.proposal_name}），模拟日 {row.on}，用时 {row.seconds} 秒",
        f"现行政策 {row.current_hash[:12]}，提案政策 {row.proposed_hash[:12]}；变更文件：{'、'.join(r['changed_files']) or '无'}",
        f"主体 {s['subjects']} 个：等级上升 {s['grade_up']}，下降 {s['grade_down']}，其他变化 {s['grade_other']}，"
        f"监管类别变化 {s['class_changed']}",
        f"记录可见性：新增可见 {s['became_visible']}，不再可见 {s['became_hidden']}（按记录 × 查询身份计）",
        f"措施：新命中 {s['measures_new']}，不再命中 {s['measures_stopped']}（按主体 × 措施计）",
    ]
    for m in r["transitions"]:
        lines.append(f"等级迁移矩阵（{m['scale']}；行：现行，列：提案）")
        lines.append("  " + "\t".join(["", *m["grades"]]))
        lines += [
            "  " + "\t".join([g, *map(str, row_)]) for g, row_ in zip(m["grades"], m["matrix"], strict=True)
        ]
    lines.append("按区县：区县\t上升\t下降\t监管类别变化\t新增可见\t不再可见\t新命中\t不再命中")
    lines += [
        f"  {c['county']}\t{c['grade_up']}\t{c['grade_down']}\t{c['class_changed']}\t{c['visible']}\t"
        f"{c['hidden']}\t{c['measures_new']}\t{c['measures_stopped']}"
        for c in r["by_county"]
    ]
    return lines


def simulate(
    proposed: Annotated[
        Path, typer.Option("--proposed", help="提案目录（含 proposal.yaml；覆盖式或完整政策目录）")
    ],
    on: Annotated[
        str | None, typer.Option("--on", help="模拟日（默认取提案的 effective_on，否则今天）")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON 结果")] = False,
) -> None:
    """在现有数据上并行运行提案政策与现行政策，列出等级、监管类别、记录可见性与措施命中的变化（不改变现行状态）。"""
    from xinyong.db import session_scope
    from xinyong.policy_sections import check_sections
    from xinyong.runtime import sqlite_file
    from xinyong.simulation import service

    runtime = _runtime()
    try:
        day = _day(on)
        with session_scope(runtime.sessions) as session:
            row = service.simulate_folder(
                session,
                runtime.policy,
                proposed,
                day,
                actor="system:cli",
                today=runtime.today(),
                check=check_sections,
                sqlite_path=sqlite_file(runtime),
            )
            out = {"id": row.id, **row.result} if as_json else None
            lines = summary_lines(row)
    except XinyongError as exc:
        fail(exc)
        return
    if out is not None:
        typer.echo(json.dumps(out, ensure_ascii=False))
    else:
        for line in lines:
            typer.echo(line)


def _day(text: str | None) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise Invalid(f"--on 须为日期（YYYY-MM-DD）：{text}", code="simulation.bad_date") from None
