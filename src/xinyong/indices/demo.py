"""Demo step: seed clearly synthetic imported figures for past months and compute the indices.

The platform computes what it holds facts for; the figures it cannot compute (清欠, the self-assessed
monitoring groups) are generated here — labelled 合成演示数据 in the import file's name — and imported
through the same all-or-nothing import as a real file, so the console shows the nine counties' 政务诚信
ranking with drill-down and the city's monitoring self-assessment with its history.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

from xinyong.db import session_scope
from xinyong.errors import XinyongError
from xinyong.indices import service
from xinyong.indices.periods import month
from xinyong.indices.spec import indices_of
from xinyong.runtime import Runtime

MONTHS = 6  # the demo's history: the last six months up to its end


def _write(path: Path, rows: list[tuple[str, str, str, float]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(("统计期", "单位编码", "指标编码", "数值"))
        w.writerows(rows)


def _synthetic(
    runtime: Runtime, index_id: str, periods: list[str], seed: int
) -> list[tuple[str, str, str, float]]:
    index = indices_of(runtime.policy).latest(index_id)
    if index is None:
        return []
    rng = random.Random(seed)  # noqa: S311 - synthetic demo figures, not security
    regions = runtime.policy.regions.regions
    units = [
        r.code
        for r in regions
        if ("county" in index.units and r.parent) or ("city" in index.units and not r.parent)
    ]
    rows = []
    for code in units:
        level = rng.uniform(70, 92)
        for n, period in enumerate(periods):
            for ind in index.indicators:
                if ind.imported:
                    rows.append(
                        (
                            period,
                            code,
                            ind.code,
                            round(min(100.0, level + n * rng.uniform(0, 1.5) + rng.uniform(-4, 4)), 1),
                        )
                    )
    return rows


def run_demo_indices(runtime: Runtime, synth_dir: Path) -> list[str]:
    """Import synthetic figures for the last months and compute every index for them.

    The last month is the one the feeds were received in (today: the demo ingests at once), so the
    collection KPIs, which count by month of receipt, have the batches in their window.
    """
    today = runtime.today()
    last = month(today.year, today.month)
    periods = [last]
    for _ in range(MONTHS - 1):
        periods.insert(0, periods[0].previous())
    labels = [p.label for p in periods]
    lines = []
    for n, index_id in enumerate(("gov-integrity-county", "city-monitoring")):
        path = synth_dir / f"合成演示数据-{index_id}.csv"
        _write(path, _synthetic(runtime, index_id, labels, seed=n + 1))
        with session_scope(runtime.sessions) as session:
            report = service.import_file(session, runtime.policy, path, index_id, actor="system:demo")
        if report.errors:
            raise XinyongError("演示导入失败：" + "；".join(report.errors[:3]), code="indices.demo_import")
        lines.append(f"指数导入（合成演示数据）：{index_id} {report.stored} 行")
    for p in periods:
        with session_scope(runtime.sessions) as session:
            run = service.compute(session, runtime.policy, p.label, actor="system:demo")
        lines.append(f"指数 {p.label}：运行 {run.run_id}，单位结果 {run.units} 个，用时 {run.seconds} 秒")
    return lines
