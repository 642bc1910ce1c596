"""Demo step: simulate the shipped proposals (next year's model …) so the console shows their effect."""

from __future__ import annotations

from pathlib import Path

from xinyong.db import session_scope
from xinyong.policy_sections import check_sections
from xinyong.runtime import Runtime, sqlite_file
from xinyong.simulation import service


def run_demo_simulations(runtime: Runtime, _synth_dir: Path) -> list[str]:
    """Simulate every shipped proposal on its effective date; return one line per simulation."""
    lines = []
    for proposal in service.proposals(runtime.settings.proposals_dir):
        with session_scope(runtime.sessions) as session:
            row = service.simulate_folder(
                session,
                runtime.policy,
                proposal.path,
                None,
                actor="system:demo",
                today=runtime.today(),
                check=check_sections,
                sqlite_path=sqlite_file(runtime),
            )
            s = row.result["summary"]
            lines.append(
                f"政策影响模拟 {row.id}：{row.proposal_name}（模拟日 {row.on}）：等级上升 {s['grade_up']}、"
                f"下降 {s['grade_down']}，措施新命中 {s['measures_new']}、不再命中 {s['measures_stopped']}；"
                f"后台 /console/simulations/{row.id}"
            )
    return lines
