"""Demo step: serve the repair notices (两书同达) of the penalties and listings the demo loaded."""

from __future__ import annotations

from pathlib import Path

from xinyong.db import session_scope
from xinyong.repair.notices import issue_notices_for_new_penalties
from xinyong.runtime import Runtime


def issue_notices(runtime: Runtime, _synth_dir: Path) -> list[str]:
    """Issue notices for every penalty and listing record without one."""
    with session_scope(runtime.sessions) as session:
        count = issue_notices_for_new_penalties(session, runtime.policy, actor="system:demo")
    return [f"已随行政处罚、严重失信名单记录生成信用修复告知书 {count} 份（两书同达）"]
