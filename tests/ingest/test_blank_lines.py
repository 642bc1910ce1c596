"""Blank and whitespace-only lines in a feed are no rows: not rejected, not counted, line numbers kept."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.factories import ingest as fx
from tests.factories.subjects import enterprise
from xinyong.ingest.models import IngestRowReject
from xinyong.ingest.service import BUCKETS, IngestRequest, ingest_file
from xinyong.runtime import Runtime


def _run(runtime: Runtime, session: Session, path: Path):  # type: ignore[no-untyped-def]
    result = ingest_file(
        session,
        IngestRequest(path=path, source_id="xzcf", actor="test"),
        policy=runtime.policy,
        keys=runtime.keys,
    )
    assert result.rows == sum(getattr(result, b) for b in BUCKETS)
    return result


def _rows(runtime: Runtime, session: Session) -> list[dict[str, str]]:
    a = enterprise(session, runtime.keys, "台州市空行测试甲有限公司")
    b = enterprise(session, runtime.keys, "台州市空行测试乙有限公司")
    return [
        fx.penalty("台州市空行测试甲有限公司", a.uscc or "", "温市监罚〔2026〕101号"),
        fx.penalty("台州市空行测试乙有限公司", b.uscc or "", "温市监罚〔2026〕102号", CF_JDRQ="not-a-date"),
    ]


@pytest.mark.parametrize("encoding", ["utf-8", "gbk"])
def test_csv_blank_lines_are_not_rows(
    runtime: Runtime, session: Session, tmp_path: Path, encoding: str
) -> None:
    rows = _rows(runtime, session)
    cols = list(rows[0])
    line = lambda r: ",".join(r[c] for c in cols)  # noqa: E731
    text = "\r\n".join(
        [
            ",".join(cols),
            "",  # line 2: empty
            line(rows[0]),  # line 3
            "   \t ",  # line 4: whitespace only
            "\u3000",  # line 5: a full-width space (common in GBK files)
            "," * (len(cols) - 1),  # line 6: only separators
            " ," * (len(cols) - 1) + " ",  # line 7: separators and spaces
            line(rows[1]),  # line 8: rejected (bad date): its line number must stay 8
            "",
            "",
        ]
    )
    path = tmp_path / f"blank-{encoding}.csv"
    path.write_bytes(text.encode(encoding))
    result = _run(runtime, session, path)
    assert (result.rows, result.accepted, result.rejected) == (2, 1, 1)
    reject = session.scalars(select(IngestRowReject).where(IngestRowReject.batch_id == result.batch_id)).one()
    assert reject.line_no == 8


def test_xlsx_empty_and_whitespace_rows_are_not_rows(
    runtime: Runtime, session: Session, tmp_path: Path
) -> None:
    rows = _rows(runtime, session)
    cols = list(rows[0])
    path = fx.write_xlsx(
        tmp_path / "blank.xlsx",
        cols,
        [
            [None] * len(cols),
            [rows[0][c] for c in cols],
            ["  "] * len(cols),
            ["", " ", "\u3000"],
            [rows[1][c] for c in cols],
        ],
    )
    result = _run(runtime, session, path)
    assert (result.rows, result.accepted, result.rejected) == (2, 1, 1)
    reject = session.scalars(select(IngestRowReject).where(IngestRowReject.batch_id == result.batch_id)).one()
    assert reject.line_no == 6


def test_json_blank_items_and_lines_are_not_rows(runtime: Runtime, session: Session, tmp_path: Path) -> None:
    rows = _rows(runtime, session)
    items = [{}, rows[0], dict.fromkeys(rows[0], "  "), rows[1]]
    path = tmp_path / "blank.json"
    path.write_text(json.dumps(items, ensure_ascii=False), "utf-8")
    result = _run(runtime, session, path)
    assert (result.rows, result.accepted, result.rejected) == (2, 1, 1)
    lines = tmp_path / "blank.jsonl"
    lines.write_text(
        "\n".join(["", json.dumps(rows[0], ensure_ascii=False), "   ", json.dumps({"CF_WSH": " "})]) + "\n\n",
        "utf-8",
    )
    again = _run(runtime, session, lines)
    assert again.rows == 1
    assert again.rejected == 0
