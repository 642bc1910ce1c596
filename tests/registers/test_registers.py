"""Registers from policy/: a fresh installation (db upgrade, no demo) takes department feeds; a policy
change is synced without losing history; an unregistered or retired department is refused."""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
import yaml
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from tests.factories import ingest as fx
from tests.factories.subjects import enterprise
from xinyong.departments import service as departments_service
from xinyong.departments.models import Department, DepartmentVersion
from xinyong.errors import Invalid
from xinyong.ingest.models import IngestBatch, IngestRowReject
from xinyong.ingest.service import IngestRequest, ingest_file
from xinyong.policy.loader import load_policy
from xinyong.registers import service as registers
from xinyong.registers.sync import sync_all
from xinyong.runtime import Runtime
from xinyong.synth import generate as gen

POLICY_DIR = Path(__file__).resolve().parents[2] / "policy"


@pytest.fixture(scope="module")
def synth_feeds(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small synthetic Taizhou written by the generator."""
    out = tmp_path_factory.mktemp("synth")
    scales = dict(gen.SCALES)
    gen.SCALES["mini"] = gen.Scale(200, 100, 1000)
    try:
        gen.generate(out, scale="mini", seed=7, mess=0.0, end=dt.date(2026, 10, 31))
    finally:
        gen.SCALES.clear()
        gen.SCALES.update(scales)
    return out / "feeds"


def _reject_codes(url: str) -> dict[str, int]:
    engine = create_engine(url)
    with Session(engine) as session:
        rows = session.scalars(select(IngestRowReject.errors)).all()
    engine.dispose()
    out: dict[str, int] = {}
    for errors in rows:
        for code in {e["code"] for e in errors}:
            out[code] = out.get(code, 0) + 1
    return out


def test_fresh_upgrade_without_demo_accepts_a_registered_departments_feed(
    tmp_path: Path, synth_feeds: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    env = fx.cli_env(url, tmp_path / "var")
    done = fx.invoke_cli(["db", "upgrade"], env)
    assert done.returncode == 0, done.stderr
    assert "名录已按 policy/ 同步" in done.stdout

    # A fixed-department source (欠税 from a tax bureau) and a per-row one (双公示 行政处罚).
    qs = sorted((synth_feeds / "qs").glob("*.csv"))[0]
    ran = fx.invoke_cli(
        ["ingest", str(qs), "--source", "qs", "--department", qs.stem.split("_")[0], "--json"], env
    )
    assert ran.returncode == 0, ran.stderr
    summary = json.loads(ran.stdout.strip().splitlines()[-1])
    assert summary["rows"] > 0
    assert summary["rejected"] == 0
    xzcf = sorted((synth_feeds / "xzcf").glob("*.csv"))[0]
    ran = fx.invoke_cli(["ingest", str(xzcf), "--source", "xzcf", "--json"], env)
    assert ran.returncode == 0, ran.stderr
    assert json.loads(ran.stdout.strip().splitlines()[-1])["rejected"] == 0
    assert not any(code.startswith("department.") for code in _reject_codes(url))

    # The same file sent as if from an office the register does not know: every row refused.
    with xzcf.open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows:
        row["CF_SJLYDM"] = row["CF_CFJGDM"] = "11331099MA0000000X"
        row["CF_WSH"] = row["CF_WSH"] + "-x"
    stranger = fx.write_csv(tmp_path / "stranger.csv", rows)
    ran = fx.invoke_cli(["ingest", str(stranger), "--source", "xzcf", "--json"], env)
    assert ran.returncode == 0, ran.stderr
    result = json.loads(ran.stdout.strip().splitlines()[-1])
    assert result["rejected"] == result["rows"] == len(rows)
    assert _reject_codes(url)["department.unknown"] == len(rows)

    # A department code that is not registered: a clear Chinese message and a stable code.
    other = sorted((synth_feeds / "qs").glob("*.csv"))[1]
    ran = fx.invoke_cli(["ingest", str(other), "--source", "qs", "--department", "TZ-NOPE"], env)
    assert ran.returncode == 2
    assert "department.not_found" in ran.stderr
    assert "未在本平台部门名录中登记" in ran.stderr

    # Syncing again changes nothing.
    again = fx.invoke_cli(["policy", "sync"], env)
    assert again.returncode == 0, again.stderr
    assert "部门变更 0 项" in again.stdout


def _policy_copy(tmp_path: Path) -> Path:
    root = tmp_path / "policy"
    shutil.copytree(POLICY_DIR, root)
    return root


def _edit(path: Path, change: object) -> None:
    data = yaml.safe_load(path.read_text("utf-8"))
    change(data)  # type: ignore[operator]
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")


def test_renaming_and_retiring_keep_history_and_old_batches(
    runtime: Runtime, session: Session, tmp_path: Path
) -> None:
    subject = enterprise(session, runtime.keys, "台州市名录测试有限公司")
    path = fx.write_csv(
        tmp_path / "a.csv", [fx.penalty("台州市名录测试有限公司", subject.uscc or "", "温市监罚〔2026〕9号")]
    )
    before = ingest_file(
        session,
        IngestRequest(path=path, source_id="xzcf", actor="test"),
        policy=runtime.policy,
        keys=runtime.keys,
    )
    assert before.accepted == 1
    wl = departments_service.by_code(session, "WL-SCJG")
    old_name = wl.name

    root = _policy_copy(tmp_path)

    def change(data: dict[str, list[dict[str, object]]]) -> None:
        for d in data["departments"]:
            if d["code"] == "WL-SCJG":
                d["name"] = "温岭市市场监督管理局（温岭市知识产权局）"
            if d["code"] == "TZ-GJJ":
                d["valid_to"] = dt.date(2026, 12, 31)

    _edit(root / "departments.yaml", change)
    _edit(root / "regions.yaml", lambda data: data["regions"][1].update(name="椒江区（测试更名）"))
    changed_policy = load_policy(root)
    day = dt.date(2027, 3, 1)
    counts = sync_all(session, changed_policy, actor="test", on=day)
    assert counts["department"] == 2
    assert counts["region"] == 1

    session.expire_all()
    same = departments_service.by_code(session, "WL-SCJG")
    assert same.id == wl.id
    assert same.name == "温岭市市场监督管理局（温岭市知识产权局）"
    batch = session.get(IngestBatch, before.batch_id)
    assert batch is not None
    rejects = session.scalars(
        select(IngestRowReject).where(IngestRowReject.batch_id == before.batch_id)
    ).all()
    assert rejects == []
    versions = session.scalars(
        select(DepartmentVersion)
        .where(DepartmentVersion.department_id == wl.id)
        .order_by(DepartmentVersion.id)
    ).all()
    assert [(v.name, v.valid_to) for v in versions] == [
        (old_name, day - dt.timedelta(days=1)),
        ("温岭市市场监督管理局（温岭市知识产权局）", None),
    ]
    assert departments_service.name_on(session, same, dt.date(2026, 5, 6)) == old_name
    assert departments_service.name_on(session, same, day) == same.name
    jj = registers.history(session, "region", "331002")
    assert [v.name for v in jj] == ["椒江区", "椒江区（测试更名）"]
    assert jj[0].valid_to == day - dt.timedelta(days=1)
    assert "331021" in {e.code for e in registers.entries(session, "region", on=dt.date(2016, 1, 1))}
    assert "331021" not in {e.code for e in registers.entries(session, "region", on=day)}

    # The retired housing fund centre keeps its row; after its last day its feeds are refused.
    gjj = departments_service.by_code(session, "TZ-GJJ")
    assert gjj.valid_to == dt.date(2026, 12, 31)
    assert not departments_service.in_service(gjj, dt.date(2027, 1, 1))
    assert session.scalar(select(func.count()).select_from(Department)) == len(
        runtime.policy.departments.departments
    )


def test_a_department_gone_from_policy_is_retired_not_deleted_and_refused(
    runtime: Runtime, session: Session, tmp_path: Path
) -> None:
    root = _policy_copy(tmp_path)
    _edit(
        root / "departments.yaml",
        lambda data: data.update(departments=[d for d in data["departments"] if d["code"] != "TZ-GJJ"]),
    )
    day = dt.date(2027, 3, 1)
    sync_all(session, load_policy(root), actor="test", on=day)
    session.expire_all()
    gjj = departments_service.by_code(session, "TZ-GJJ")
    assert gjj.valid_to == day - dt.timedelta(days=1)
    subject = enterprise(session, runtime.keys, "台州市撤销测试有限公司")
    row = fx.penalty(
        "台州市撤销测试有限公司", subject.uscc or "", "台公积金罚〔2027〕1号", dept_uscc=gjj.uscc or ""
    )
    path = fx.write_csv(tmp_path / "b.csv", [row])
    late = ingest_file(
        session,
        IngestRequest(
            path=path, source_id="xzcf", actor="test", received_at=dt.datetime(2027, 3, 2, 2, tzinfo=dt.UTC)
        ),
        policy=runtime.policy,
        keys=runtime.keys,
    )
    assert late.rejected == 1
    errors = session.scalars(
        select(IngestRowReject.errors).where(IngestRowReject.batch_id == late.batch_id)
    ).one()
    assert "department.unknown" in {e["code"] for e in errors}
    with pytest.raises(Invalid) as refused:
        ingest_file(
            session,
            IngestRequest(
                path=fx.write_csv(tmp_path / "c.csv", [{**row, "CF_WSH": "台公积金罚〔2027〕2号"}]),
                source_id="xzcf",
                department_code="TZ-GJJ",
                actor="test",
                received_at=dt.datetime(2027, 3, 2, 2, tzinfo=dt.UTC),
            ),
            policy=runtime.policy,
            keys=runtime.keys,
        )
    assert refused.value.code == "department.not_found"
    # Restoring it in policy brings the same row back into service.
    sync_all(session, runtime.policy, actor="test", on=dt.date(2027, 4, 1))
    session.expire_all()
    assert departments_service.by_code(session, "TZ-GJJ").valid_to is None


def test_an_older_installation_gets_its_departments_history_started(
    runtime: Runtime, session: Session, tmp_path: Path
) -> None:
    """Departments filled by an older release (no versions yet) keep their old name when renamed."""
    from sqlalchemy import delete

    wl = departments_service.by_code(session, "WL-SCJG")
    session.execute(delete(DepartmentVersion).where(DepartmentVersion.department_id == wl.id))
    wl.valid_from = None
    session.flush()
    root = _policy_copy(tmp_path)

    def rename(data: dict[str, list[dict[str, object]]]) -> None:
        for d in data["departments"]:
            if d["code"] == "WL-SCJG":
                d["name"] = "温岭市市场监管局（新名）"

    _edit(root / "departments.yaml", rename)
    day = dt.date(2027, 3, 1)
    sync_all(session, load_policy(root), actor="test", on=day)
    versions = session.scalars(
        select(DepartmentVersion)
        .where(DepartmentVersion.department_id == wl.id)
        .order_by(DepartmentVersion.id)
    ).all()
    assert [(v.name, v.valid_from, v.valid_to) for v in versions] == [
        ("温岭市市场监督管理局", runtime.policy.departments.effective_from, day - dt.timedelta(days=1)),
        ("温岭市市场监管局（新名）", day, None),
    ]


def test_institutions_are_a_register_with_history(runtime: Runtime, session: Session, tmp_path: Path) -> None:
    """Banks, guarantors and credit agencies of policy/institutions.yaml are in the database after sync;
    one that stops co-operating keeps its history; a bad entry is refused when policy is loaded."""
    from xinyong.errors import PolicyError
    from xinyong.registers.institutions import institutions_of

    loaded = {e.code: e for e in registers.entries(session, "institution", on=dt.date(2026, 6, 1))}
    assert {i.code for i in institutions_of(runtime.policy).institutions} == set(loaded)
    assert loaded["BK-TZYH"].name == "台州银行"

    root = _policy_copy(tmp_path)

    def retire(data: dict[str, list[dict[str, object]]]) -> None:
        for i in data["institutions"]:
            if i["code"] == "GU-TZRD":
                i["effective_to"] = dt.date(2026, 12, 31)

    _edit(root / "institutions.yaml", retire)
    counts = sync_all(session, load_policy(root), actor="test", on=dt.date(2027, 1, 15))
    assert counts["institution"] == 1
    assert "GU-TZRD" in {e.code for e in registers.entries(session, "institution", on=dt.date(2026, 12, 31))}
    assert "GU-TZRD" not in {
        e.code for e in registers.entries(session, "institution", on=dt.date(2027, 1, 1))
    }
    assert registers.history(session, "institution", "GU-TZRD")

    def break_it(data: dict[str, list[dict[str, object]]]) -> None:
        data["institutions"].append(dict(data["institutions"][0], uscc="913310007A1000018X"))

    _edit(root / "institutions.yaml", break_it)
    with pytest.raises(PolicyError) as err:
        institutions_of(load_policy(root))
    assert "BK-TZYH 重复" in str(err.value)
    assert "校验不通过" in str(err.value)
