"""Commands ``xinyong evaluate`` and ``xinyong inspections draw``."""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING, Annotated, Any

import typer

from xinyong.errors import XinyongError

if TYPE_CHECKING:
    from xinyong.evaluation.models import EvaluationRun
    from xinyong.evaluation.spec import ModelSet
    from xinyong.policy.loader import Policy
    from xinyong.runtime import Runtime

evaluate_app = typer.Typer(help="公共信用评价（批量）", invoke_without_command=True)
inspections_app = typer.Typer(help="分级分类监管：双随机抽查", no_args_is_help=True)


def _runtime() -> Runtime:
    from xinyong.runtime import Runtime
    from xinyong.settings import Settings

    return Runtime.build(Settings())


def _fail(exc: XinyongError) -> None:
    typer.echo(f"错误 [{exc.code}]：{exc.message}", err=True)
    raise typer.Exit(code=2)


def _table(title: str, groups: dict[str, dict[str, int]], grades: list[str]) -> list[str]:
    lines = [title, "  " + "\t".join(["分组", *grades, "合计"])]
    for name, counts in groups.items():
        total = sum(counts.values())
        lines.append("  " + "\t".join([name, *(str(counts.get(g, 0)) for g in grades), str(total)]))
    return lines


def report_lines(run: EvaluationRun, policy: Policy, models: ModelSet | None = None) -> list[str]:
    """Return the printed report of a run: grade distribution by county and industry, and PSI (read by the
    bands of ``policy/psi/`` in force on the run's day).

    With ``models`` the distribution is printed per grade scale (organisations, persons), grades by rank.
    """
    from xinyong.evaluation.calibration import by_scale
    from xinyong.evaluation.psi import readings

    dist: dict[str, Any] = run.distribution
    lines = [
        f"评价批次 {run.id}：评价日 {run.as_of}，主体 {run.subjects} 个，用时 {run.timings.get('total')} 秒"
    ]
    if models is None:
        grades = sorted(dist.get("overall", {}), key=lambda g: -dist["overall"][g])
        lines.append("等级分布：" + "，".join(f"{g} {n}" for g, n in dist.get("overall", {}).items()))
        lines += _table("按区县：", dist.get("by_county", {}), grades)
        lines += _table("按行业：", dist.get("by_industry", {}), grades)
    else:
        for scale in by_scale(dist, models):
            ranked = list(reversed(scale.grades))  # from the highest
            lines.append(
                f"等级分布（{scale.label}）：" + "，".join(f"{g} {scale.overall.get(g, 0)}" for g in ranked)
            )
            lines += _table(f"按区县（{scale.label}）：", scale.by_county, ranked)
            lines += _table(f"按行业（{scale.label}）：", scale.by_industry, ranked)
    if run.previous_run_id is None:
        lines.append("PSI：无上一批次可比较")
    else:
        lines.append(
            f"PSI（对比批次 {run.previous_run_id}）："
            + "，".join(f"{r.model} {r.value:.4f}（{r.label}）" for r in readings(policy, run.psi, run.as_of))
        )
    return lines


def calibration_lines(run: EvaluationRun, models: ModelSet) -> list[str]:
    """Return the calibration report of a run: each model's distribution beside its reference."""
    from xinyong.evaluation.calibration import calibrate
    from xinyong.evaluation.calibration import report_lines as calibration_report

    used = [m for m in models.models if (m.id, m.version) in _versions(run)]
    head = f"校准报告：评价批次 {run.id}，评价日 {run.as_of}，政策版本 {run.policy_hash[:12]}"
    return [head, *calibration_report(calibrate(run.distribution.get("by_model", {}), used))]


def _versions(run: EvaluationRun) -> set[tuple[str, str]]:
    return {(str(k), str(v)) for k, v in (run.model_versions or {}).items()}


def _print_calibration(runtime: Runtime, run_id: int | None) -> None:
    from xinyong.db import session_scope
    from xinyong.evaluation import service

    with session_scope(runtime.sessions) as session:
        run = service.get_run(session, run_id)
        for line in calibration_lines(run, service.models_of(runtime.policy)):
            typer.echo(line)


@evaluate_app.callback()
def evaluate(
    as_of: Annotated[str | None, typer.Option("--as-of", help="评价日期 YYYY-MM-DD")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="最后一行输出 JSON")] = False,
    threads: Annotated[int | None, typer.Option("--threads", help="DuckDB 线程数（默认全部核）")] = None,
    calibration: Annotated[
        bool,
        typer.Option(
            "--calibration", help="输出各模型等级分布与参考分布的对照（不带 --as-of 时用最近一个批次）"
        ),
    ] = False,
) -> None:
    """按生效的评价模型批量评价全部主体，保存结果并输出等级分布与 PSI；--calibration 输出校准对照。"""
    from xinyong.db import session_scope
    from xinyong.evaluation import service
    from xinyong.runtime import sqlite_file

    if as_of is None:
        if not calibration:
            typer.echo("错误：须给出 --as-of（或用 --calibration 查看最近一个批次的校准报告）", err=True)
            raise typer.Exit(code=2)
        try:
            _print_calibration(_runtime(), None)
        except XinyongError as exc:
            _fail(exc)
        return
    try:
        day = dt.date.fromisoformat(as_of)
    except ValueError:
        typer.echo("错误：--as-of 必须是 YYYY-MM-DD", err=True)
        raise typer.Exit(code=2) from None
    runtime = _runtime()
    try:
        with session_scope(runtime.sessions) as session:
            run = service.run_evaluation(
                session,
                runtime.policy,
                day,
                actor="system:cli",
                sqlite_path=sqlite_file(runtime),
                threads=threads,
            )
    except XinyongError as exc:
        _fail(exc)
        return
    for line in report_lines(run, runtime.policy, service.models_of(runtime.policy)):
        typer.echo(line)
    if calibration:
        for line in calibration_lines(run, service.models_of(runtime.policy)):
            typer.echo(line)
    if as_json:
        typer.echo(json.dumps(_run_json(run), ensure_ascii=False))


def _run_json(run: EvaluationRun) -> dict[str, Any]:
    """Return the run's figures as the last JSON line prints them."""
    return {
        "run_id": run.id,
        "as_of": run.as_of.isoformat(),
        "subjects": run.subjects,
        "seconds": run.timings.get("total"),
        "timings": run.timings,
        "model_versions": run.model_versions,
        "policy_hash": run.policy_hash,
        "distribution": run.distribution.get("overall", {}),
        "psi": run.psi,
    }


@inspections_app.command("draw")
def draw(
    department: Annotated[str, typer.Option("--department", help="部门编码，如 TZ-SCJG")],
    size: Annotated[int, typer.Option("--size", help="抽查主体数")],
    seed: Annotated[int, typer.Option("--seed", help="随机种子（同一种子、同一批次结果相同）")],
    as_json: Annotated[bool, typer.Option("--json", help="输出完整 JSON（含名单）")] = False,
) -> None:
    """按分级分类监管类别双随机抽取检查对象，保存抽取记录并写审计日志。"""
    from xinyong.db import session_scope
    from xinyong.evaluation import inspections

    runtime = _runtime()
    try:
        with session_scope(runtime.sessions) as session:
            row = inspections.draw(
                session, runtime.policy, department, size, seed, actor="system:cli", today=runtime.today()
            )
            summary = inspections.draw_summary(session, row)
    except XinyongError as exc:
        _fail(exc)
        return
    typer.echo(
        f"抽取记录 {summary['draw_id']}：部门 {department}，种子 {seed}，"
        + "，".join(f"{c} 类 {n}/{summary['population'].get(c, 0)}" for c, n in summary["allocation"].items())
    )
    typer.echo(f"名单摘要 {summary['members_hash']}")
    if as_json:
        typer.echo(json.dumps(summary, ensure_ascii=False))
    else:
        typer.echo(json.dumps({k: v for k, v in summary.items() if k != "members"}, ensure_ascii=False))
