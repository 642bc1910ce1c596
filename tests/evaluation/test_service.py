"""The batch stores reproducible results and monitoring; the CLI and the API expose them."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from tests.conftest import POLICY_DIR, TEST_DATA_KEY, TEST_INDEX_KEY
from tests.factories import evaluation as ev_factories
from tests.factories import subjects as subject_factories
from tests.fixtures.migrated import migrated_sqlite
from xinyong.audit.models import AuditEvent
from xinyong.auth import service as auth_service
from xinyong.auth.principal import Role
from xinyong.cli import app as cli_app
from xinyong.db import make_engine, make_sessionmaker, session_scope
from xinyong.evaluation import service
from xinyong.evaluation.models import EvaluationResult
from xinyong.policy.loader import Policy
from xinyong.runtime import Runtime
from xinyong.settings import Settings

AS_OF = dt.date(2026, 10, 31)


def _results(session: Session, run_id: int) -> list[tuple[object, ...]]:
    rows = session.scalars(
        select(EvaluationResult)
        .where(EvaluationResult.run_id == run_id)
        .order_by(EvaluationResult.subject_id)
    )
    return [(r.subject_id, r.score, r.grade, r.points, r.model_version, r.policy_hash) for r in rows]


def test_same_inputs_same_results_and_psi(session: Session, policy: Policy) -> None:
    dept = subject_factories.department(session)
    ev_factories.random_population(session, dept.id, seed=5, subjects=300)
    first = service.run_evaluation(session, policy, AS_OF, actor="test")
    second = service.run_evaluation(session, policy, AS_OF, actor="test")
    assert _results(session, first.id) == _results(session, second.id)
    assert second.previous_run_id == first.id
    assert second.psi
    assert all(v == 0 for v in second.psi.values())
    assert first.model_versions["tz-enterprise"] == "2026.2"
    assert first.counts["subjects_scored"] == first.subjects >= 300
    assert sum(first.distribution["overall"].values()) == first.subjects
    assert "温岭市" in first.distribution["by_county"]
    assert "玉环市" in first.distribution["by_county"]  # the former code 331021 maps to its successor
    assert "制造业" in first.distribution["by_industry"]
    later = service.run_evaluation(session, policy, dt.date(2029, 1, 1), actor="test")
    assert any(v > 0 for v in later.psi.values())
    audit = session.scalars(select(AuditEvent).where(AuditEvent.action == "evaluation.run")).all()
    assert len(audit) >= 3


def _key(session: Session, role: Role, **kw: object) -> dict[str, str]:
    _, key = auth_service.create_api_key(session, actor="test", name=f"k-{role}", role=role, **kw)  # type: ignore[arg-type]
    return {"Authorization": f"Bearer {key}"}


def test_subject_evaluation_endpoint_roles(client: TestClient, session: Session, runtime: Runtime) -> None:
    dept = subject_factories.department(session)
    firm = subject_factories.enterprise(session, runtime.keys, established_on=dt.date(2015, 1, 1))
    penalty = ev_factories.record(session, firm, dept.id, "xzcf", dt.date(2025, 3, 1))
    ev_factories.event(session, penalty, "objection_opened", dt.date(2026, 10, 1))
    person = subject_factories.person(session, runtime.keys)
    service.run_evaluation(session, runtime.policy, AS_OF, actor="test")
    session.flush()
    uscc = firm.uscc
    assert uscc is not None
    assert client.get(f"/api/v1/subjects/{uscc}/evaluation").status_code == 401
    bank = _key(session, Role.BANK)
    assert client.get(f"/api/v1/subjects/{uscc}/evaluation", headers=bank).status_code == 403
    officer = _key(session, Role.OFFICER, department_id=dept.id)
    body = client.get(f"/api/v1/subjects/{uscc}/evaluation", headers=officer).json()
    # a clean firm of ten years earns 815 (良好); one 一般 penalty costs 80: 中等
    assert body["score"] == body["stored"]["score"] == 735
    assert body["grade"] == "中等"
    contrib = {c["indicator"]: c for c in body["contributions"]}
    assert contrib["penalty_general_36m"]["records"] == [penalty.id]
    codes = [r["code"] for r in body["reason_codes"]]
    assert codes[:3] == ["honours", "penalty_general_36m", "tax_credit_a"]
    assert codes[-1] == "objection_pending"
    assert body["objection_records"] == [penalty.id]
    assert any(a["indicator"] == "honours" for a in body["advice"])
    own = _key(session, Role.SUBJECT, subject_id=firm.id)
    assert client.get(f"/api/v1/subjects/{uscc}/evaluation", headers=own).status_code == 200
    # a natural person's score: only the person
    from xinyong.subjects.service import reveal_id_card

    id_card = reveal_id_card(runtime.keys, person)
    assert client.get(f"/api/v1/subjects/{id_card}/evaluation", headers=officer).status_code == 403
    me = _key(session, Role.SUBJECT, subject_id=person.id)
    mine = client.get(f"/api/v1/subjects/{id_card}/evaluation", headers=me).json()
    assert mine["use"] == "positive_only"
    assert mine["grade"] == "信用良好"  # a person with no record: the middle of the person scale, not 优秀
    assert mine["score"] == 650
    reads = session.scalars(select(AuditEvent).where(AuditEvent.action == "evaluation.read")).all()
    assert len(reads) >= 3


def test_runs_and_distribution_endpoints(client: TestClient, session: Session, runtime: Runtime) -> None:
    dept = subject_factories.department(session)
    ev_factories.random_population(session, dept.id, seed=6, subjects=100)
    supervisor = _key(session, Role.SUPERVISOR, department_id=dept.id)
    assert client.get("/api/v1/evaluation/runs/latest", headers=supervisor).status_code == 404
    run = service.run_evaluation(session, runtime.policy, AS_OF, actor="test")
    latest = client.get("/api/v1/evaluation/runs/latest", headers=supervisor).json()
    assert latest["run_id"] == run.id
    assert latest["policy_hash"] == runtime.policy.hash
    dist = client.get("/api/v1/evaluation/distribution", headers=supervisor).json()
    assert sum(dist["overall"].values()) == run.subjects
    assert dist["by_county"]
    assert dist["by_industry"]
    public = _key(session, Role.BANK)
    assert client.get("/api/v1/evaluation/distribution", headers=public).status_code == 403


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    url = migrated_sqlite(tmp_path / "cli.sqlite3")
    env = {
        "XINYONG_ENV": "test",
        "XINYONG_DATABASE_URL": url,
        "XINYONG_POLICY_DIR": str(POLICY_DIR),
        "XINYONG_VAR_DIR": str(tmp_path / "var"),
        "XINYONG_SECRET_KEY": "test-secret-key",
        "XINYONG_DATA_KEY": TEST_DATA_KEY,
        "XINYONG_INDEX_KEY": TEST_INDEX_KEY,
    }
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    return Settings()


def test_cli_evaluate_and_draw(cli_env: Settings) -> None:
    engine = make_engine(cli_env)
    sessions = make_sessionmaker(engine)
    with session_scope(sessions) as session:
        dept = subject_factories.department(session, "TZ-SCJG")
        ev_factories.random_population(session, dept.id, seed=7, subjects=400)
    engine.dispose()
    runner = CliRunner()
    result = runner.invoke(cli_app, ["evaluate", "--as-of", "2026-10-31", "--json"])
    assert result.exit_code == 0, result.output
    last = json.loads(result.output.strip().splitlines()[-1])
    assert last["subjects"] >= 400
    assert {"run_id", "seconds", "model_versions", "policy_hash"} <= set(last)
    assert "按区县（企业法人" in result.output  # one table per grade scale, organisations apart from persons
    assert "按行业（企业法人" in result.output
    org_line = next(line for line in result.output.splitlines() if line.startswith("等级分布（企业法人"))
    assert [part.split(" ")[0] for part in org_line.split("：")[1].split("，")] == [
        "优秀",
        "良好",
        "中等",
        "较差",
    ]
    again = runner.invoke(cli_app, ["evaluate", "--as-of", "2026-10-31", "--json"])
    assert "PSI（对比批次" in again.output
    draw = runner.invoke(
        cli_app, ["inspections", "draw", "--department", "TZ-SCJG", "--size", "40", "--seed", "9"]
    )
    assert draw.exit_code == 0, draw.output
    first = json.loads(draw.output.strip().splitlines()[-1])
    redo = runner.invoke(
        cli_app, ["inspections", "draw", "--department", "TZ-SCJG", "--size", "40", "--seed", "9"]
    )
    second = json.loads(redo.output.strip().splitlines()[-1])
    assert first["members_hash"] == second["members_hash"]
    assert first["draw_id"] != second["draw_id"]
    assert sum(first["allocation"].values()) == 40
    bad = runner.invoke(cli_app, ["evaluate", "--as-of", "2026-13-01"])
    assert bad.exit_code == 2
    assert runner.invoke(cli_app, ["evaluate"]).exit_code == 2  # neither a day nor --calibration


def test_cli_calibration_report(cli_env: Settings) -> None:
    engine = make_engine(cli_env)
    sessions = make_sessionmaker(engine)
    with session_scope(sessions) as session:
        dept = subject_factories.department(session, "TZ-SCJG")
        ev_factories.random_population(session, dept.id, seed=7, subjects=300)
    engine.dispose()
    runner = CliRunner()
    none_yet = runner.invoke(cli_app, ["evaluate", "--calibration"])
    assert none_yet.exit_code == 2  # no run to report on
    ran = runner.invoke(cli_app, ["evaluate", "--as-of", "2026-10-31", "--calibration"])
    assert ran.exit_code == 0, ran.output
    latest = runner.invoke(cli_app, ["evaluate", "--calibration"])  # the latest run, without re-scoring
    assert latest.exit_code == 0, latest.output
    report = latest.output[latest.output.index("校准报告") :]
    assert report == ran.output[ran.output.index("校准报告") :]
    assert "台州市企业公共信用评价模型（tz-enterprise 2026.2）" in report
    assert "2.3%" in report  # Zhejiang's published 2018 share of 优秀 enterprises
    assert "本市设定的目标分布" in report  # the person model's reference is a target, said so
    lines = report.splitlines()
    head = next(i for i, line in enumerate(lines) if "tz-enterprise 2026.2" in line)
    total = int(lines[head].split("参评主体 ")[1].split(" ")[0])
    rows = [lines[head + 4 + k].split("\t") for k in range(4)]
    assert [r[0].strip() for r in rows] == ["优秀", "良好", "中等", "较差"]
    assert sum(int(r[1]) for r in rows) == total > 0
