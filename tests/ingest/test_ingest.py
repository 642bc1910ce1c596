"""Batches through the service on a real database: formats, defects, accounting, versions, resolution."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from tests.factories import ingest as fx
from tests.factories.subjects import enterprise, next_ric, next_uscc
from xinyong.errors import Forbidden
from xinyong.ingest.models import IngestBatch, IngestRowReject, UnresolvedRow
from xinyong.ingest.service import BUCKETS, BatchResult, IngestRequest, ingest_file
from xinyong.records.models import CreditRecord
from xinyong.runtime import Runtime
from xinyong.subjects.models import Subject

TODAY = dt.date(2026, 10, 31)


def run(runtime: Runtime, session: Session, path: Path, source: str = "xzcf", **kw: Any) -> BatchResult:
    return ingest_file(
        session,
        IngestRequest(path=path, source_id=source, actor="test", today=TODAY, **kw),
        policy=runtime.policy,
        keys=runtime.keys,
    )


def assert_adds_up(result: BatchResult) -> None:
    assert result.rows == sum(getattr(result, b) for b in BUCKETS), result


@pytest.fixture
def setup(runtime: Runtime, session: Session) -> Session:
    fx.sync_departments(session, runtime.policy)
    return session


def test_csv_utf8_accepts_links_and_computes_severity(
    runtime: Runtime, setup: Session, tmp_path: Path
) -> None:
    s = enterprise(setup, runtime.keys, "台州市宏达阀门有限公司")
    rows = [
        fx.penalty("台州市宏达阀门有限公司", s.uscc or "", "温市监罚〔2026〕1号", CF_SY='称"最佳"\n产品\\'),
        fx.penalty(
            "台州市宏达阀门有限公司", s.uscc or "", "温市监罚〔2026〕2号", CF_CFLB="警告", CF_NR_FK=""
        ),
        fx.penalty(
            "台州市宏达阀门有限公司",
            s.uscc or "",
            "温市监罚〔2026〕3号",
            CF_CFLB="罚款;吊销许可证",
            CF_NR_FK="5",
        ),
    ]
    result = run(runtime, setup, fx.write_csv(tmp_path / "a.csv", rows))
    assert_adds_up(result)
    assert (result.rows, result.accepted, result.rejected) == (3, 3, 0)
    recs = setup.scalars(select(CreditRecord).order_by(CreditRecord.document_no)).all()
    assert [r.severity for r in recs] == ["一般", "轻微", "严重"]
    assert {r.subject_id for r in recs} == {s.id}
    assert recs[0].payload["CF_CFLB"] == ["罚款"]
    assert recs[0].payload["CF_NR_FK"] == 1
    assert recs[0].payload["CF_SY"] == '称"最佳"\n产品\\'
    assert recs[0].decision_on == dt.date(2026, 5, 6)
    assert recs[0].policy_hash == runtime.policy.hash
    assert recs[0].batch_id == result.batch_id


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gbk", "gb18030"])
def test_csv_encodings_and_chinese_headers(
    runtime: Runtime, setup: Session, tmp_path: Path, encoding: str
) -> None:
    s = enterprise(setup, runtime.keys, "台州市三友塑业有限公司")
    item = runtime.policy.catalog["xzcf"]
    labels = {f.name: f.label for f in item.fields}
    row = fx.penalty("台州市三友塑业有限公司", s.uscc or "", CF_JDRQ="2026年5月6日")
    rows = [{labels[k]: v for k, v in row.items()}]
    result = run(runtime, setup, fx.write_csv(tmp_path / "b.csv", rows, encoding=encoding))
    assert_adds_up(result)
    assert result.accepted == 1, result
    assert result.encoding == ("utf-8-bom" if encoding == "utf-8-sig" else "gb18030")
    rec = setup.scalar(select(CreditRecord))
    assert rec is not None
    assert rec.payload["CF_XDR_MC"] == "台州市三友塑业有限公司"


def test_xlsx_with_real_dates_and_json(runtime: Runtime, setup: Session, tmp_path: Path) -> None:
    s = enterprise(setup, runtime.keys)
    row = fx.penalty("某公司", s.uscc or "", "温市监罚〔2026〕7号")
    headers = list(row)
    values: list[object] = [row[h] for h in headers]
    values[headers.index("CF_JDRQ")] = fx.excel_date(dt.date(2026, 5, 6))
    values[headers.index("CF_NR_FK")] = 2.5
    labels = {f.name: f.label for f in runtime.policy.catalog["xzcf"].fields}
    xlsx = fx.write_xlsx(
        tmp_path / "c.xlsx", [labels[h] for h in headers], [values, ["只有名称", None, None]]
    )
    result = run(runtime, setup, xlsx)
    assert_adds_up(result)
    assert (result.file_format, result.accepted, result.rejected) == ("xlsx", 1, 1)
    rec = setup.scalar(select(CreditRecord).where(CreditRecord.document_no == "温市监罚〔2026〕7号"))
    assert rec is not None
    assert rec.decision_on == dt.date(2026, 5, 6)
    assert rec.payload["CF_NR_FK"] == 2.5
    js = run(
        runtime,
        setup,
        fx.write_json(tmp_path / "d.json", [fx.penalty("某公司", s.uscc or "", "温市监罚〔2026〕8号"), 42]),
    )
    assert_adds_up(js)
    assert (js.accepted, js.rejected) == (1, 1)


def test_every_error_of_a_row_is_collected(runtime: Runtime, setup: Session, tmp_path: Path) -> None:
    good = next_uscc()
    bad = fx.penalty(
        "某公司",
        good[:-1] + ("1" if good[-1] != "1" else "2"),
        "温市监罚〔2026〕9号",
        CF_CFLB="罚金",
        CF_NR_FK="一万",
        CF_JDRQ="2099-01-01",
        CF_GSJZQ="2026-01-01",
        CF_WFXW="",
    )
    path = fx.write_csv(tmp_path / "e.csv", [bad])
    with path.open("a", encoding="utf-8") as fh:
        fh.write("多余,的,列\n")
    result = run(runtime, setup, path)
    assert_adds_up(result)
    assert (result.rows, result.rejected) == (2, 2)
    rejects = setup.scalars(select(IngestRowReject).order_by(IngestRowReject.line_no)).all()
    codes = {e["code"] for e in rejects[0].errors}
    assert {
        "penalty.criminal",
        "uscc.checksum",
        "number.format",
        "date.future",
        "date.order",
        "required",
    } <= codes
    assert all(e["message"] and e["field"] for e in rejects[0].errors)
    assert "刑罚" in next(e["message"] for e in rejects[0].errors if e["code"] == "penalty.criminal")
    assert rejects[0].line_no == 2
    assert rejects[1].line_no == 3
    assert rejects[1].errors[0]["code"] == "row.columns"


def test_reingest_changes_nothing_and_corrections_are_versions(
    runtime: Runtime, setup: Session, tmp_path: Path
) -> None:
    s = enterprise(setup, runtime.keys)
    rows = [fx.penalty("甲公司", s.uscc or "", f"温市监罚〔2026〕{i}号") for i in range(1, 4)]
    first = run(runtime, setup, fx.write_csv(tmp_path / "f.csv", rows))
    assert first.accepted == 3
    count = setup.scalar(select(func.count()).select_from(CreditRecord))
    again = run(runtime, setup, tmp_path / "f.csv")
    assert again.already_ingested
    assert again.batch_id == first.batch_id
    assert setup.scalar(select(func.count()).select_from(CreditRecord)) == count
    assert setup.scalar(select(func.count()).select_from(IngestBatch)) == 1
    # Same rows in another file: duplicates; one corrected row: a new version superseding the old.
    rows[1]["CF_NR_FK"] = "2"
    rows[1]["CF_NR"] = "罚款人民币二万元"
    second = run(runtime, setup, fx.write_csv(tmp_path / "g.csv", [*rows, rows[0]], encoding="utf-8-sig"))
    assert_adds_up(second)
    assert (second.duplicate, second.updated, second.accepted) == (3, 1, 0)
    versions = setup.scalars(
        select(CreditRecord)
        .where(CreditRecord.document_no == "温市监罚〔2026〕2号")
        .order_by(CreditRecord.version)
    ).all()
    assert [v.version for v in versions] == [1, 2]
    assert versions[1].supersedes_id == versions[0].id
    assert versions[0].record_key == versions[1].record_key


def test_correction_inside_one_file_chains_versions(runtime: Runtime, setup: Session, tmp_path: Path) -> None:
    s = enterprise(setup, runtime.keys)
    a = fx.penalty("乙公司", s.uscc or "", "温市监罚〔2026〕5号")
    b = {**a, "CF_NR_FK": "3"}
    c = {**a, "CF_NR_FK": "4"}
    result = run(runtime, setup, fx.write_csv(tmp_path / "h.csv", [a, b, c]))
    assert (result.accepted, result.updated) == (1, 2)
    recs = setup.scalars(select(CreditRecord).order_by(CreditRecord.version)).all()
    assert [r.version for r in recs] == [1, 2, 3]
    assert recs[2].supersedes_id == recs[1].id
    assert recs[1].supersedes_id == recs[0].id


def test_no_plaintext_id_numbers_are_stored(runtime: Runtime, setup: Session, tmp_path: Path) -> None:
    ric = next_ric()
    bad_ric = ric[:-1] + ("0" if ric[-1] != "0" else "1")
    rows = [
        fx.person_penalty("王五", ric, "温市监罚〔2026〕11号"),
        fx.person_penalty("赵六", bad_ric, "温市监罚〔2026〕12号"),
    ]
    result = run(runtime, setup, fx.write_csv(tmp_path / "p.csv", rows))
    assert_adds_up(result)
    assert (result.accepted, result.rejected, result.subjects_created) == (1, 1, 1)
    conn = setup.connection()
    for table in ("credit_record", "ingest_row_reject", "subject_identifier", "subject", "ingest_batch"):
        dump = json.dumps(
            [list(map(str, r)) for r in conn.execute(text(f"SELECT * FROM {table}"))],  # noqa: S608 - constant names
            ensure_ascii=False,
        )
        assert ric not in dump, table
        assert bad_ric not in dump, table
    rec = setup.scalar(select(CreditRecord))
    assert rec is not None
    assert rec.payload["CF_XDR_ZJHM"] == ric[:6] + "********" + ric[-4:]
    # The same person in a later file resolves through the blind index.
    again = run(
        runtime,
        setup,
        fx.write_csv(tmp_path / "q.csv", [fx.person_penalty("王五", ric, "温市监罚〔2026〕13号")]),
    )
    assert again.accepted == 1
    assert again.subjects_created == 0


def test_resolution_by_legacy_codes_name_and_brackets(
    runtime: Runtime, setup: Session, tmp_path: Path
) -> None:
    s = enterprise(setup, runtime.keys, "温岭市宏达阀门有限公司(温岭)", region_code="331081")
    from xinyong.kit.ids import org_code_of_uscc

    org = org_code_of_uscc(s.uscc or "")
    rows = [
        fx.penalty("温岭市宏达阀门有限公司（温岭）", s.uscc or "", "温市监罚〔2026〕21号"),
        fx.penalty("温岭市宏达阀门有限公司(温岭)", "", "温市监罚〔2026〕22号", CF_XDR_ZZJG=org or ""),
        fx.penalty("温岭市宏达阀门有限公司（温岭）", "", "温市监罚〔2026〕23号"),
    ]
    result = run(runtime, setup, fx.write_csv(tmp_path / "r.csv", rows))
    assert_adds_up(result)
    assert result.accepted == 3, result
    assert {r.subject_id for r in setup.scalars(select(CreditRecord))} == {s.id}
    assert setup.scalar(select(func.count()).select_from(Subject)) == 1


def test_unknown_valid_uscc_creates_the_subject(runtime: Runtime, setup: Session, tmp_path: Path) -> None:
    code = next_uscc(kind="2")
    result = run(runtime, setup, fx.write_csv(tmp_path / "u.csv", [fx.penalty("温岭市某某小吃店", code)]))
    assert (result.accepted, result.subjects_created) == (1, 1)
    subject = setup.scalar(select(Subject).where(Subject.uscc == code))
    assert subject is not None
    assert subject.kind == "个体工商户"
    assert subject.name == "温岭市某某小吃店"


def test_unresolved_rows_wait_with_ranked_candidates(
    runtime: Runtime, setup: Session, tmp_path: Path
) -> None:
    s = enterprise(setup, runtime.keys, "温岭市弘达阀门有限公司", region_code="331081")
    enterprise(setup, runtime.keys, "临海市光明食品有限公司", region_code="331082")
    result = run(runtime, setup, fx.write_csv(tmp_path / "v.csv", [fx.penalty("温岭市宏达阀门有限公司", "")]))
    assert_adds_up(result)
    assert (result.unresolved, result.accepted) == (1, 0)
    row = setup.scalar(select(UnresolvedRow))
    assert row is not None
    assert row.region_code == "331081"
    best = row.candidates[0]
    assert best["subject_id"] == s.id
    assert any("拼音" in r for r in best["reasons"])


def test_department_resolution_and_scope(runtime: Runtime, setup: Session, tmp_path: Path) -> None:
    s = enterprise(setup, runtime.keys)
    rows = [
        fx.penalty("甲", s.uscc or "", "温市监罚〔2026〕31号"),
        fx.penalty("甲", s.uscc or "", "临市监罚〔2026〕1号", dept_uscc=fx.LH_SCJG_USCC),
        fx.penalty("甲", s.uscc or "", "某罚〔2026〕1号", dept_uscc="91331081MA0000015E", CF_CFJGDM=""),
    ]
    path = fx.write_csv(tmp_path / "w.csv", rows)
    result = run(runtime, setup, path, department_code="WL-SCJG", restrict_to_department=True)
    assert_adds_up(result)
    assert (result.accepted, result.rejected) == (1, 2)
    codes = [e["code"] for r in setup.scalars(select(IngestRowReject)) for e in r.errors]
    assert "department.mismatch" in codes
    assert "department.unknown" in codes


def test_fixed_department_sources_refuse_other_departments(
    runtime: Runtime, setup: Session, tmp_path: Path
) -> None:
    path = fx.write_csv(tmp_path / "x.csv", [{"ZTMC": "甲"}])
    with pytest.raises(Forbidden):
        run(runtime, setup, path, source="qs", department_code="WL-SCJG")


def test_batch_issues_repair_notices_like_one_by_one(
    runtime: Runtime, setup: Session, tmp_path: Path
) -> None:
    """两书同达: a batch's new penalties get their notices, the same text as one notice at a time."""
    from xinyong.departments.models import Department
    from xinyong.repair.models import RepairNotice
    from xinyong.repair.notice_batch import issue_notices_for_new_penalties
    from xinyong.repair.notices import compose, render_html, render_text
    from xinyong.repair.queries import repeat_violations

    s = enterprise(setup, runtime.keys, "台州市宏达阀门有限公司")
    rows = [
        fx.penalty("台州市宏达阀门有限公司", s.uscc or "", "温市监罚〔2026〕11号", CF_JDRQ="2026-03-02"),
        # the same violation decided later: the earlier one may not stop publication early
        fx.penalty("台州市宏达阀门有限公司", s.uscc or "", "温市监罚〔2026〕12号", CF_JDRQ="2026-05-06"),
        fx.penalty(
            "台州市宏达阀门有限公司", s.uscc or "", "温市监罚〔2026〕13号", CF_CFLB="警告", CF_NR_FK=""
        ),
    ]
    result = run(runtime, setup, fx.write_csv(tmp_path / "n.csv", rows))
    assert (result.accepted, result.notices) == (3, 3)
    assert "告知书 3 份" in result.summary_zh()
    notices = {n.record_id: n for n in setup.scalars(select(RepairNotice))}
    records = setup.scalars(select(CreditRecord).where(CreditRecord.batch_id == result.batch_id)).all()
    assert set(notices) == {r.id for r in records}
    texts = set()
    for record in records:
        dept = setup.get(Department, record.department_id)
        content, earliest, end, regime = compose(setup, record, s, dept, runtime.policy)
        n = notices[record.id]
        assert (n.text, n.html) == (render_text(content), render_html(content))
        assert (n.earliest_repair_on, n.publication_end_on, n.regime_id) == (earliest, end, regime)
        assert n.batch_id == result.batch_id
        texts.add(n.text)
    first = next(r for r in records if r.document_no == "温市监罚〔2026〕11号")
    repeats = repeat_violations(setup, runtime.policy, records)
    assert repeats == {first.id: dt.date(2026, 5, 6)}  # the set-based join finds the later violation
    assert len(texts) == 3
    # once per record: neither a second call nor a re-ingest issues more
    assert issue_notices_for_new_penalties(setup, runtime.policy, batch_id=result.batch_id) == 0
    again = run(runtime, setup, fx.write_csv(tmp_path / "n2.csv", [*rows, rows[0]]))
    assert (again.duplicate, again.notices) == (4, 0)
    changed = [{**rows[2], "CF_NR": "警告并责令改正"}]
    upd = run(runtime, setup, fx.write_csv(tmp_path / "n3.csv", changed))
    assert (upd.updated, upd.notices) == (1, 1)
    off = run(
        runtime,
        setup,
        fx.write_csv(tmp_path / "n4.csv", [{**rows[2], "CF_WSH": "温市监罚〔2026〕14号"}]),
        issue_notices=False,
    )
    assert (off.accepted, off.notices) == (1, 0)
