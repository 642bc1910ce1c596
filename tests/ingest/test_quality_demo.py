"""Quality KPIs from stored data (及时率 on the official calendar) and the demo step over a manifest."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.factories import ingest as fx
from tests.factories.subjects import enterprise, next_uscc
from xinyong.ingest.demo import ingest_synth
from xinyong.ingest.models import IngestBatch
from xinyong.ingest.quality import quality_report
from xinyong.ingest.service import IngestRequest, ingest_file
from xinyong.runtime import Runtime

LATER = {"CF_YXQ": "2026-12-31", "CF_GSJZQ": "2027-10-15"}
RECEIVED = dt.datetime(2026, 10, 20, 2, 0, tzinfo=dt.UTC)  # 10:00 in Taizhou


def test_kpis_per_department_and_period(runtime: Runtime, session: Session, tmp_path: Path) -> None:
    fx.sync_departments(session, runtime.policy)
    s = enterprise(session, runtime.keys)
    late_decision = dt.date(2026, 9, 25)  # 7 working days run past the National Day holidays
    assert runtime.policy.calendar.add_workdays(late_decision, 7) < RECEIVED.date()
    rows = [
        fx.penalty(s.name, s.uscc or "", "温市监罚〔2026〕1号", CF_JDRQ="2026-10-15", **LATER),
        fx.penalty("乙", s.uscc or "", "温市监罚〔2026〕2号", CF_JDRQ=late_decision.isoformat(), **LATER),
        fx.penalty(s.name, s.uscc or "", "温市监罚〔2026〕3号", CF_CFLB="罚金"),
        fx.penalty("乙", "", "温市监罚〔2026〕4号"),
    ]
    bad = next_uscc()
    rows.append(fx.penalty("丙", bad[:-1] + ("1" if bad[-1] != "1" else "2"), "温市监罚〔2026〕5号"))
    ingest_file(
        session,
        IngestRequest(
            path=fx.write_csv(tmp_path / "k.csv", rows),
            source_id="xzcf",
            actor="test",
            today=RECEIVED.date(),
            received_at=RECEIVED,
        ),
        policy=runtime.policy,
        keys=runtime.keys,
    )
    report = quality_report(session, runtime.policy, period="2026-10", department_code="WL-SCJG")
    (row,) = report["departments"]
    assert (row["period"], row["rows"], row["rejected"]) == ("2026-10", 5, 2)
    assert row["intake_rate"] == 0.6
    assert row["link_rate"] == round(2 / 3, 4)  # 乙 waits in the 未关联 queue
    assert row["timely_rate"] == 0.5
    assert row["code_error_rate"] == 0.4  # one wrong check digit, one USCC written with another name (重码)
    assert 0 < row["complete_rate"] < 1
    assert quality_report(session, runtime.policy, period="2026-09")["departments"] == []
    assert any("天未报送" in w for w in report["warnings"])


def test_demo_step_ingests_manifest_feeds(runtime: Runtime, session: Session, tmp_path: Path) -> None:
    fx.sync_departments(session, runtime.policy)
    s = enterprise(session, runtime.keys)
    feeds = tmp_path / "feeds"
    (feeds / "xzcf").mkdir(parents=True)
    (feeds / "qs").mkdir()
    fx.write_csv(
        feeds / "xzcf" / "a.csv",
        [fx.penalty("甲", s.uscc or "", "温市监罚〔2026〕1号")],
        encoding="utf-8-sig",
    )
    fx.write_csv(
        feeds / "qs" / "b.csv",
        [
            {
                "ZTMC": "甲",
                "ZTLB": "法人及非法人组织",
                "TYSHXYDM": s.uscc or "",
                "QS_SZ": "增值税",
                "QS_JE": "12.5",
                "QS_TJRQ": "2026-06-30",
                "QS_GGWH": "台税欠〔2026〕1号",
                "QS_ZGJG": "国家税务总局台州市税务局",
            }
        ],
    )
    manifest = {
        "files": [
            {
                "path": "feeds/xzcf/a.csv",
                "source_id": "xzcf",
                "catalog_item": "xzcf",
                "department": "WL-SCJG",
            },
            {"path": "feeds/qs/b.csv", "source_id": "qs", "catalog_item": "qs", "department": "TZ-SW"},
            {"path": "feeds/zz/c.csv", "source_id": "nope", "catalog_item": "zz", "department": "TZ-SW"},
        ]
    }
    (tmp_path / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), "utf-8")
    lines = ingest_synth(runtime, tmp_path)
    assert lines[-1].startswith("归集完成：2 个文件（跳过 1，失败 0）")
    assert session.scalar(select(func.count()).select_from(IngestBatch)) == 2
