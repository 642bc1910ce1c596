"""Demo step: serve the repair notices (两书同达) of the penalties and listings the demo loaded."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from xinyong.db import session_scope
from xinyong.repair.models import RepairNotice
from xinyong.repair.notice_batch import issue_notices_for_new_penalties
from xinyong.runtime import Runtime


def issue_notices(runtime: Runtime, _synth_dir: Path) -> list[str]:
    """Issue notices for every penalty and listing record without one (ingest issues most already)."""
    with session_scope(runtime.sessions) as session:
        count = issue_notices_for_new_penalties(session, runtime.policy, actor="system:demo")
        total = session.scalar(select(func.count()).select_from(RepairNotice)) or 0
    return [
        f"信用修复告知书共 {total} 份（两书同达：归集时随行政处罚、严重失信名单记录生成，本步骤补发 {count} 份）"
    ]
