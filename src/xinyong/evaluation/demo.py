"""Demo step: evaluate every subject as of the demo's end date, after the records are loaded."""

from __future__ import annotations

from pathlib import Path

from xinyong.db import session_scope
from xinyong.demo import DEMO_END
from xinyong.evaluation import service
from xinyong.evaluation.cli import report_lines
from xinyong.runtime import Runtime, sqlite_file


def run_demo_evaluation(runtime: Runtime, _synth_dir: Path) -> list[str]:
    """Run the batch evaluation as of the demo end date; return the report lines."""
    with session_scope(runtime.sessions) as session:
        run = service.run_evaluation(
            session, runtime.policy, DEMO_END, actor="system:demo", sqlite_path=sqlite_file(runtime)
        )
    lines = report_lines(run, runtime.policy, service.models_of(runtime.policy))
    return [line for line in lines if line.startswith(("评价批次", "等级分布"))]
