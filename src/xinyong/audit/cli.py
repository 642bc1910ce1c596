"""``xinyong audit``: verify the audit log (chain, checkpoints, record digests); write a checkpoint."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from xinyong.audit.service import Problem

app = typer.Typer(help="审计日志", no_args_is_help=True)

PURGE_ACTION = "retention.purge"


def record_problems(session: Session) -> tuple[int, list[Problem]]:
    """Recompute the record digest of every ingest batch in the chain; return batches checked and problems.

    Record versions the retention purge deleted are taken from the purge entries' tombstones (id →
    line hash), so a lawful deletion is not reported and an unlawful one is.
    """
    from xinyong.audit import service
    from xinyong.records.digest import batch_lines, digest_of

    removed: dict[int, dict[int, str]] = {}
    for ev in service.entries_of(session, PURGE_ACTION):
        for batch, rows in (ev.detail.get("tombstones") or {}).items():
            removed.setdefault(int(batch), {}).update({int(k): str(v) for k, v in rows.items()})
    problems: list[Problem] = []
    checked = 0
    for ev in service.entries_of(session, "ingest.batch"):
        want = ev.detail.get("records_digest")
        if not want or ev.object_id is None:
            continue
        checked += 1
        batch_id = int(ev.object_id)
        lines = batch_lines(session, batch_id)
        gone = removed.get(batch_id, {})
        lines.update({k: v for k, v in gone.items() if k not in lines})
        if digest_of(lines) != want:
            count = ev.detail.get("records")
            problems.append(
                service.Problem(
                    ev.seq,
                    "records",
                    f"归集批次 {batch_id} 的信用记录与审计第 {ev.seq} 条记录的摘要不符：审计时 {count} 条，"
                    f"现有 {len(lines) - len(gone)} 条、依法删除 {len(gone)} 条（记录被修改、删除或增加）",
                )
            )
    return checked, problems


@app.command("verify")
def verify(
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出结果")] = False,
) -> None:
    """校验审计日志：哈希链（带密钥）、库外签名检查点、各归集批次的信用记录摘要；逐项指出问题与位置。"""
    from xinyong.audit import anchors, service
    from xinyong.audit.keys import audit_keys
    from xinyong.db import session_scope
    from xinyong.runtime import Runtime
    from xinyong.settings import Settings

    settings = Settings()
    runtime = Runtime.build(settings)
    keys = audit_keys(settings)
    with session_scope(runtime.sessions, write=False) as session:
        check = service.verify(session, keys=keys)
        problems = list(check.problems)
        problems += anchors.check(session, keys, settings.anchor_dir, check)
        batches, found = record_problems(session)
        problems += found
    points, _ = anchors.read(settings.anchor_dir)
    ok = not problems
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "ok": ok,
                    "entries": check.entries,
                    "first_bad_seq": check.first_bad_seq,
                    "reason": check.reason,
                    "checkpoints": len(points),
                    "batches_checked": batches,
                    "problems": [{"seq": p.seq, "kind": p.kind, "message": p.message} for p in problems],
                },
                ensure_ascii=False,
            )
        )
    elif ok:
        typer.echo(
            f"审计日志完整：共 {check.entries} 条，哈希链校验通过；"
            f"{len(points)} 个签名检查点相符；{batches} 个归集批次的信用记录摘要相符。"
        )
        if not points:
            typer.echo("提示：尚无检查点，末尾条目被删除无法发现；请定期运行 xinyong audit checkpoint。")
    else:
        if check.first_bad_seq is not None:
            typer.echo(
                f"审计日志异常：第一条异常记录序号 {check.first_bad_seq}：{check.reason}（此前 {check.entries} 条完好）",
                err=True,
            )
        for p in problems:
            if p.kind in ("gap", "link", "downgrade", "unknown_key", "epoch", "content"):
                continue  # the chain's own problem, printed above
            where = f"第 {p.seq} 条" if p.seq is not None else "检查点文件"
            typer.echo(f"审计日志异常（{where}）：{p.message}", err=True)
    if not ok:
        raise typer.Exit(code=1)


@app.command("checkpoint")
def checkpoint() -> None:
    """校验哈希链后，把链头（序号、哈希、条数、时间）签名写入库外检查点文件（应定期运行）。"""
    from xinyong.audit import anchors
    from xinyong.audit.keys import audit_keys
    from xinyong.db import session_scope
    from xinyong.runtime import Runtime
    from xinyong.settings import Settings

    settings = Settings()
    runtime = Runtime.build(settings)
    try:
        with session_scope(runtime.sessions, write=False) as session:
            point = anchors.write(session, audit_keys(settings), settings.anchor_dir)
    except ValueError as exc:
        typer.echo(f"错误：{exc}", err=True)
        raise typer.Exit(code=1) from exc
    typer.echo(f"已写入检查点：第 {point.seq} 条（共 {point.entries} 条），{point.at}，{settings.anchor_dir}")
