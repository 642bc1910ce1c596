"""A simulation moves exactly the expected subjects, records and measures, and changes nothing in force."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from tests.factories import evaluation as ev_factories
from tests.factories import subjects as subject_factories
from tests.simulation.helpers import edited, proposal
from xinyong.audit.models import AuditEvent
from xinyong.auth import service as auth_service
from xinyong.auth.principal import Role
from xinyong.db import Base
from xinyong.evaluation import service as evaluation_service
from xinyong.policy_sections import check_sections
from xinyong.runtime import Runtime
from xinyong.simulation import service
from xinyong.simulation.models import PolicySimulation
from xinyong.subjects.models import Subject

ON = dt.date(2026, 12, 1)


def _firms(session: Session, runtime: Runtime) -> tuple[list[Subject], list[Subject], int]:
    """Two clean enterprises and three with one general penalty each (2025-06-01)."""
    dept = subject_factories.department(session)
    clean = [
        subject_factories.enterprise(
            session, runtime.keys, established_on=dt.date(2015, 1, 1), region_code="331081"
        )
        for _ in range(2)
    ]
    penalised = [
        subject_factories.enterprise(
            session, runtime.keys, established_on=dt.date(2015, 1, 1), region_code="331081"
        )
        for _ in range(3)
    ]
    for firm in penalised:
        ev_factories.record(session, firm, dept.id, "xzcf", dt.date(2025, 6, 1))
    return clean, penalised, dept.id


def _simulate(session: Session, runtime: Runtime, folder: Path, on: dt.date = ON) -> dict[str, Any]:
    row = service.simulate_folder(
        session, runtime.policy, folder, on, actor="test", today=ON, check=check_sections
    )
    return row.result


def _score(session: Session, runtime: Runtime, subject: Subject) -> tuple[int, str]:
    result = evaluation_service.evaluate_one(session, runtime.policy, subject.id, ON)
    assert result is not None
    return result.score, result.grade


def _matrix(result: dict[str, Any], grade: str) -> dict[str, dict[str, int]]:
    m = next(m for m in result["transitions"] if grade in m["grades"])
    return {
        row: {col: n for col, n in zip(m["grades"], counts, strict=True) if n}
        for row, counts in zip(m["grades"], m["matrix"], strict=True)
        if any(counts)
    }


def test_a_band_change_moves_exactly_the_subjects_in_the_band(
    session: Session, runtime: Runtime, tmp_path: Path
) -> None:
    clean, penalised, _ = _firms(session, runtime)
    high, grade_high = _score(session, runtime, clean[0])
    low, grade_low = _score(session, runtime, penalised[0])
    assert (grade_high, grade_low) == ("良好", "中等")
    assert 600 < low < 755 <= high < 875
    # 良好 from the penalised firms' score: they rise to 良好, the clean ones stay
    bands = ("  min_score: 755", f"  min_score: {low}")
    model = edited("models/tz-enterprise.yaml", bands)
    result = _simulate(session, runtime, proposal(tmp_path / "p", {"models/tz-enterprise.yaml": model}))
    assert _matrix(result, "良好") == {"良好": {"良好": 2}, "中等": {"良好": 3}}
    assert result["summary"]["grade_up"] == 3
    assert result["summary"]["grade_down"] == 0
    assert result["summary"]["class_changed"] == 3
    assert result["class_matrix"]["matrix"][2][1] == 3  # C → B, by the default supervision rule
    [cell] = result["grade_cells"]
    assert cell["county"] == "温岭市"
    assert (cell["kind"], cell["grade_from"], cell["grade_to"]) == ("企业法人", "中等", "良好")
    assert (cell["class_from"], cell["class_to"], cell["count"]) == ("C", "B", 3)
    assert {e["subject_id"] for e in cell["examples"]} == {f.id for f in penalised}
    assert {e["name"] for e in cell["examples"]} == {f.name for f in penalised}
    wenling = next(c for c in result["by_county"] if c["county"] == "温岭市")
    assert (wenling["grade_up"], wenling["grade_down"]) == (3, 0)
    assert result["changed_files"] == ["models/tz-enterprise.yaml"]
    assert result["measures"]["scope"] == "grade_changed"
    assert result["visibility"]["compared"] is False  # the disclosure rules are the same: nothing to decide


def test_an_unchanged_tree_changes_nothing(session: Session, runtime: Runtime, tmp_path: Path) -> None:
    _firms(session, runtime)
    result = _simulate(session, runtime, proposal(tmp_path / "same", {}))
    assert result["proposed_hash"] == result["current_hash"] == runtime.policy.hash
    assert result["grade_cells"] == []
    assert result["measures"]["cells"] == []
    assert _matrix(result, "良好") == {"良好": {"良好": 2}, "中等": {"中等": 3}}


def test_a_shorter_publicity_period_hides_the_expected_records(
    session: Session, runtime: Runtime, tmp_path: Path
) -> None:
    dept = subject_factories.department(session)
    old = subject_factories.enterprise(session, runtime.keys, region_code="331082")
    recent = subject_factories.enterprise(session, runtime.keys, region_code="331082")
    seven_months = ev_factories.record(session, old, dept.id, "xzcf", dt.date(2026, 5, 1))
    ev_factories.record(session, recent, dept.id, "xzcf", dt.date(2026, 10, 1))
    period = (
        "一般: {publish: required, min_months: 3, max_months: 12}",
        "一般: {publish: required, min_months: 3, max_months: 6}",
    )
    folder = proposal(
        tmp_path / "p", {"periods/ndrc-order-36.yaml": edited("periods/ndrc-order-36.yaml", period)}
    )
    result = _simulate(session, runtime, folder)
    vis = result["visibility"]
    assert vis["compared"] is True
    assert vis["records_decided"] == 2
    by_audience = {a["audience"]: (a["became_visible"], a["became_hidden"]) for a in vis["audiences"]}
    assert by_audience.pop("public") == (0, 1)
    assert set(by_audience.values()) == {(0, 0)}  # shared audiences see it within retention either way
    [cell] = vis["cells"]
    assert (cell["county"], cell["shown"], cell["count"]) == ("临海市", False, 1)
    assert cell["examples"] == [{"subject_id": old.id, "name": old.name, "record_id": seven_months.id}]
    assert result["summary"]["became_hidden"] == 1
    assert result["measures"]["scope"] == "all"


MEASURES = """
id: taizhou-2027
version: "2027.1"
name: 台州市补充措施（提案）
issuer: 台州市社会信用体系建设领导小组办公室
published_on: 2026-11-01
effective_from: 2026-11-01
measures:
  - id: tz2027.procurement-review
    name: 政府采购中从严审查
    kind: punish
    class: 3
    basis:
      - {law: 浙江省公共信用信息管理条例, article: 第二十六条}
    implementing_bodies: [各级财政部门]
    triggers:
      - {kind: record, catalog_items: [xzcf], severities: [一般, 严重], within_months: 36}
    scenarios: [政府采购]
    mandatory: false
"""


def test_a_new_measure_newly_hits_exactly_the_subjects_it_names(
    session: Session, runtime: Runtime, tmp_path: Path
) -> None:
    _clean, penalised, _ = _firms(session, runtime)
    folder = proposal(tmp_path / "p", {"measures/lists/taizhou-2027.yaml": MEASURES})
    result = _simulate(session, runtime, folder)
    changes = {m["id"]: (m["new"], m["stopped"]) for m in result["measures"]["measures"]}
    assert changes == {"tz2027.procurement-review": (3, 0)}
    [cell] = result["measures"]["cells"]
    assert {e["subject_id"] for e in cell["examples"]} == {f.id for f in penalised}
    assert cell["name"] == "政府采购中从严审查（惩戒）"
    assert result["summary"]["measures_new"] == 3
    assert result["grade_cells"] == []
    # and the other way round: without Zhejiang's Art. 23 list, its measures stop for the penalised firms
    removal = proposal(tmp_path / "r", {}, remove=["measures/lists/zhejiang-art23.yaml"])
    stopped = _simulate(session, runtime, removal)
    assert stopped["summary"]["measures_new"] == 0
    assert stopped["summary"]["measures_stopped"] > 0
    assert all(c["change"] == "stopped" for c in stopped["measures"]["cells"])
    hit = {e["subject_id"] for c in stopped["measures"]["cells"] for e in c["examples"]}
    assert hit == {f.id for f in penalised}


def _snapshot(session: Session) -> dict[str, str]:
    """Digest every table's rows but the simulation's own and the audit chain."""
    out = {}
    for table in Base.metadata.sorted_tables:
        if table.name in ("policy_simulation", "audit_event"):
            continue
        rows = session.execute(select(table).order_by(*table.primary_key.columns)).all()
        out[table.name] = hashlib.sha256(repr([tuple(r) for r in rows]).encode()).hexdigest()
    return out


def test_nothing_in_force_changes(session: Session, runtime: Runtime, tmp_path: Path) -> None:
    clean, penalised, _ = _firms(session, runtime)
    evaluation_service.run_evaluation(session, runtime.policy, ON, actor="test")
    session.flush()
    before = _snapshot(session)
    grades = {f.id: evaluation_service.current_result(session, f.id) for f in clean + penalised}
    audits = session.scalar(select(text("count(*)")).select_from(AuditEvent))
    policy_hash = runtime.policy.hash
    bands = ("  min_score: 755", "  min_score: 874")  # the clean firms fall to 中等
    folder = proposal(
        tmp_path / "p", {"models/tz-enterprise.yaml": edited("models/tz-enterprise.yaml", bands)}
    )
    result = _simulate(session, runtime, folder)
    session.flush()
    assert result["summary"]["grade_down"] == 2
    assert _snapshot(session) == before
    assert {f.id: evaluation_service.current_result(session, f.id) for f in clean + penalised} == grades
    assert runtime.policy.hash == policy_hash
    assert session.scalar(select(text("count(*)")).select_from(AuditEvent)) == audits + 1
    assert session.scalar(select(text("count(*)")).select_from(PolicySimulation)) == 1


def _key(session: Session, role: Role, **kw: object) -> dict[str, str]:
    _, key = auth_service.create_api_key(session, actor="test", name=f"k-{role}", role=role, **kw)  # type: ignore[arg-type]
    return {"Authorization": f"Bearer {key}"}


def test_the_api_answers_the_credit_centre_only_and_logs_the_read(
    client: TestClient, session: Session, runtime: Runtime, tmp_path: Path
) -> None:
    _firms(session, runtime)
    bands = ("  min_score: 755", "  min_score: 874")  # the clean firms fall to 中等
    folder = proposal(
        tmp_path / "p", {"models/tz-enterprise.yaml": edited("models/tz-enterprise.yaml", bands)}
    )
    row = service.simulate_folder(
        session, runtime.policy, folder, ON, actor="test", today=ON, check=check_sections
    )
    session.commit()
    url = f"/api/v1/policy/simulations/{row.id}"
    assert client.get(url).status_code == 401
    dept = subject_factories.department(session)
    assert client.get(url, headers=_key(session, Role.OFFICER, department_id=dept.id)).status_code == 403
    assert client.get(url, headers=_key(session, Role.AUDITOR)).status_code == 403
    admin = _key(session, Role.ADMIN)
    session.commit()
    got = client.get(url, headers=admin)
    assert got.status_code == 200, got.text
    body = got.json()
    assert body["id"] == row.id
    assert body["current_hash"] == runtime.policy.hash
    assert body["on"] == ON.isoformat()
    assert body["summary"]["grade_down"] == 2
    missing = client.get("/api/v1/policy/simulations/999999", headers=admin)
    assert missing.status_code == 404
    assert missing.json()["code"] == "simulation.not_found"
    reads = session.scalars(select(AuditEvent).where(AuditEvent.action == "policy.simulation.read")).all()
    assert [r.object_id for r in reads] == [str(row.id)]


def test_a_day_without_the_proposed_model_leaves_the_subjects_unrated(
    session: Session, runtime: Runtime, tmp_path: Path
) -> None:
    _firms(session, runtime)
    later = ("effective_from: '2024-01-01'", "effective_from: '2027-01-01'")
    folder = proposal(
        tmp_path / "p", {"models/tz-enterprise.yaml": edited("models/tz-enterprise.yaml", later)}
    )
    result = _simulate(session, runtime, folder, on=dt.date(2026, 12, 31))
    assert _matrix(result, "良好") == {"良好": {"未评价": 2}, "中等": {"未评价": 3}}
    assert result["summary"]["grade_other"] == 5
