"""The evaluation grade is in a report only where its model publishes grades (the evaluation decides)."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from pathlib import Path

from sqlalchemy.orm import Session

from tests.evaluation.test_public_grade import _policy_with
from tests.reports.conftest import TODAY, World
from xinyong.auth.principal import ANONYMOUS
from xinyong.db import utcnow
from xinyong.evaluation import service as evaluation_service
from xinyong.policy.loader import load_policy
from xinyong.reports import service
from xinyong.reports.models import CreditReportFile
from xinyong.reports.schemas import ReportKind, ReportRequest
from xinyong.runtime import Runtime


def _report(session: Session, ctx: service.Context, code: str) -> tuple[dict[str, object], bytes]:
    row = service.issue(
        session, ctx, ANONYMOUS, ReportRequest(code=code, kind=ReportKind.PUBLIC), on=TODAY, now=utcnow()
    )
    files = session.get(CreditReportFile, row.id)
    assert files is not None
    return json.loads(files.json)["report"], files.pdf


def test_grade_only_where_published(session: Session, runtime: Runtime, world: World, tmp_path: Path) -> None:
    evaluation_service.run_evaluation(session, runtime.policy, TODAY - dt.timedelta(days=1), actor="test")
    code = world.company.uscc or ""
    report, _ = _report(session, world.ctx, code)
    assert report["grade"] is None  # Taizhou default: grades are shared, not public
    public = load_policy(_policy_with(tmp_path, "tz-enterprise.yaml", "grade_disclosure: public"))
    ctx = service.Context(world.ctx.keys, public, world.ctx.signer, world.ctx.public_url)
    report, pdf = _report(session, ctx, code)
    grade = report["grade"]
    assert isinstance(grade, dict)
    assert grade["model"] == "台州市企业公共信用评价模型"
    path = tmp_path / "g.pdf"
    path.write_bytes(pdf)
    text = "".join(
        subprocess.run(
            ["pdftotext", str(path), "-"], check=True, capture_output=True, text=True
        ).stdout.split()
    )
    assert f"评价等级：{grade['grade']}" in text
