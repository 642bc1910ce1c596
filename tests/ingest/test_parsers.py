"""Pure parsers: dates as departments write them, amounts, enumerations, encodings, severity."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import POLICY_DIR
from xinyong.errors import PolicyError
from xinyong.ingest import fields as parsers
from xinyong.ingest.readers import detect_encoding
from xinyong.ingest.sources import header_key, sources
from xinyong.ingest.sources import load as load_sources
from xinyong.kit import ids
from xinyong.policy.loader import Policy, load_policy
from xinyong.rules.severity import classify

FORMATS = ["%Y-%m-%d", "%Y/%m/%d", "%Y年%m月%d日", "%Y%m%d"]


def test_dates_in_every_written_form() -> None:
    col = pa.array(
        ["2026-05-03", "2026/5/3", "2026年5月3日", "20260503", "46145", "２０２６-０５-０３", None]
    )
    dates, bad = parsers.parse_dates(col, FORMATS, excel_serials=True)
    assert dates.to_pylist() == [dt.date(2026, 5, 3)] * 6 + [None]
    assert not bad.any()


def test_unparseable_dates_are_flagged_not_guessed() -> None:
    col = pa.array(["2026-13-01", "五月三日", "2026-02-30", ""])
    dates, bad = parsers.parse_dates(parsers.clean_text(col), FORMATS, excel_serials=True)
    assert bad.tolist() == [True, True, True, False]
    assert dates.to_pylist() == [None, None, None, None]


@given(st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2099, 12, 31)))
def test_excel_serials_round_trip(day: dt.date) -> None:
    serial = (day - dt.date(1899, 12, 30)).days
    dates, bad = parsers.parse_dates(pa.array([str(serial)]), [], excel_serials=True)
    assert dates.to_pylist() == [day]
    assert not bad.any()


def test_amounts_in_wan_yuan() -> None:
    values, bad = parsers.parse_amounts(pa.array(["1.5", "１２", "1,000.25", "abc", None, "-2"]))
    assert values.to_pylist() == [1.5, 12.0, 1000.25, None, None, -2.0]
    assert bad.tolist() == [False, False, False, True, False, False]


def test_penalty_types_are_multi_valued_and_criminal_fines_refused(policy: Policy) -> None:
    labels = parsers.enum_lookup(policy.enum_labels("penalty_type"))
    refused = {"罚金": ("penalty.criminal", "罚金是刑罚")}
    col = pa.array(["罚款、警告", "03", "吊销营业执照", "罚金", "罚款,罚金", "打板子"])
    mapped, problems = parsers.parse_enum(col, labels, refused, multi=True)
    out = mapped.to_pylist()
    assert json.loads(out[0]) == ["罚款", "警告"]
    assert json.loads(out[1]) == ["罚款"]
    assert json.loads(out[2]) == ["吊销许可证件"]
    assert out[3] is None
    assert out[4] is None
    assert out[5] is None
    assert problems["罚金"][0] == "penalty.criminal"
    assert problems["罚款,罚金"][0] == "penalty.criminal"
    assert problems["打板子"][0] == "enum.unknown"


def test_encoding_detection() -> None:
    text = "行政相对人名称,处罚决定日期\n台州市某某有限公司,2026-05-03\n"
    assert detect_encoding(b"\xef\xbb\xbf" + text.encode("utf-8")) == "utf-8-sig"
    assert detect_encoding(text.encode("utf-8")) == "utf-8"
    assert detect_encoding(text.encode("gbk")) == "gb18030"


@pytest.mark.parametrize(
    ("types", "procedure", "amount", "expected"),
    [
        (["警告"], None, None, "轻微"),
        (["罚款"], None, 1.0, "一般"),
        (["罚款"], None, 0.1, "轻微"),
        (["罚款"], None, 150.0, "严重"),
        (["罚款", "吊销许可证件"], None, 1.0, "严重"),
        (["罚款"], "简易程序", 1.0, "轻微"),
    ],
)
def test_severity_from_policy(
    policy: Policy, types: list[str], procedure: str | None, amount: float | None, expected: str
) -> None:
    got = classify(
        policy.severity, catalog_item="xzcf", penalty_types=types, procedure=procedure, amount_wan=amount
    )
    assert got == expected


def test_listed_items_take_their_catalog_severity(policy: Policy) -> None:
    assert classify(policy.severity, catalog_item="yzsxmd") == "严重"


def test_every_catalog_item_has_a_source_and_headers_map(policy: Policy) -> None:
    srcs = sources(policy)
    assert {s.item.id for s in srcs.by_id.values()} == set(policy.catalog)
    xzcf = srcs.get("xzcf")
    assert xzcf.field_for("行政相对人名称") == "CF_XDR_MC"
    assert xzcf.field_for(" CF_XDR_MC ") == "CF_XDR_MC"
    assert xzcf.field_for("罚款金额（万元）") == "CF_NR_FK"
    assert xzcf.field_for("罚款金额(万元)") == "CF_NR_FK"
    assert xzcf.field_for("CF_CFMC") == "CF_WFXW"  # legacy pre-2019 variant
    assert xzcf.field_for("银行账号") is None
    assert srcs.get("xzcf").spec.timeliness is not None
    assert srcs.get("xzcf").spec.timeliness.workdays == 7  # type: ignore[union-attr]
    assert header_key("ＣＦ_ＷＳＨ") == "CF_WSH"


def test_bad_source_files_are_refused_with_their_file(tmp_path: Path) -> None:
    root = tmp_path / "policy"
    shutil.copytree(POLICY_DIR, root)
    (root / "sources" / "bad.yaml").write_text(
        "id: bad\nversion: '1'\neffective_from: 2020-01-01\nname: 坏\ncatalog_item: xzcf\n"
        "department: NO-SUCH\nformats: [csv]\ncolumns: {甲: CF_NOPE}\ndate_formats: ['%Y-%m-%d']\n"
        "frequency: {label: 每天, max_gap_days: 1}\nvolume: {min_rows: 1, max_rows: 10}\n",
        "utf-8",
    )
    with pytest.raises(PolicyError) as err:
        load_sources(load_policy(root))
    text = "\n".join(err.value.detail["problems"])
    assert "sources/bad.yaml" in text
    assert "NO-SUCH" in text
    assert "CF_NOPE" in text


_USCC_BODY = st.text(alphabet=ids.USCC_ALPHABET, min_size=8, max_size=8)


@given(
    first=st.sampled_from(sorted(ids.USCC_FIRST)),
    region=st.integers(0, 999_999),
    body=_USCC_BODY,
    pos=st.integers(0, 17),
    char=st.sampled_from([*ids.USCC_ALPHABET, "I", "O", "Z", "ｉ", "-", " ", "中", "a"]),
)
def test_bulk_uscc_check_agrees_with_the_validator(
    first: str, region: int, body: str, pos: int, char: str
) -> None:
    good = ids.make_uscc(first, "1", f"{region:06d}", body)
    mutated = good[:pos] + char + good[pos + 1 :]
    values = [good, mutated, good[:17], "", "1" * 18]
    mask = parsers.uscc_valid_mask(values)
    for value, fast in zip(values, mask.tolist(), strict=True):
        exact = ids.is_valid_uscc(value) and ids.validate_uscc(value) == value
        assert fast == exact, value


def test_validate_codes_reports_each_invalid_value_once() -> None:
    good = ids.make_uscc("9", "1", "331081", "MA2AB3C4")
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    col = pa.array([good, bad, bad, None, "９１" + good[2:]])
    valid, errors = parsers.validate_codes(
        parsers.clean_code(col), ids.validate_uscc, None, parsers.uscc_valid_mask
    )
    assert valid.to_pylist() == [good, None, None, None, good]
    assert set(errors) == {bad}
    assert errors[bad].code == "uscc.checksum"
