"""Identifiers (spec §5): USCC, 组织机构代码 and 公民身份号码 — properties and Taizhou cases."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xinyong.kit import ids

TODAY = dt.date(2026, 11, 1)


def fullwidth(text: str) -> str:
    """Write ASCII in full width (what some departments' systems export)."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


SYMBOL = st.sampled_from(ids.USCC_ALPHABET)
REGION = st.sampled_from(["331002", "331003", "331004", "331021", "331081", "331082", "331083", "331022"])
HEAD = st.sampled_from(["11", "12", "51", "52", "53", "91", "92", "93", "N1", "N2", "N3", "A1", "Y1"])


@st.composite
def usccs(draw: st.DrawFn) -> str:
    head = draw(HEAD)
    body = "".join(draw(st.lists(SYMBOL, min_size=8, max_size=8)))
    return ids.make_uscc(head[0], head[1], draw(REGION), body)


@st.composite
def rics(draw: st.DrawFn) -> str:
    birth = draw(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2025, 12, 31)))
    return ids.make_ric(draw(REGION), birth, draw(st.integers(0, 999)))


@given(usccs())
def test_made_usccs_validate_and_embed_an_org_code(code: str) -> None:
    assert ids.validate_uscc(code) == code
    org_code = code[8:17]  # GB 32100: positions 9-17 are the organisation code, check digit included
    assert ids.org_code_of_uscc(code) == org_code
    assert ids.validate_org_code(org_code) == org_code


@given(usccs())
def test_usccs_are_normalised_from_full_width_lower_case_and_spaces(code: str) -> None:
    assert ids.validate_uscc(fullwidth(code)) == code
    assert ids.validate_uscc(f" {code[:9]} {code[9:]} ".lower()) == code


@given(usccs(), st.integers(0, 17), SYMBOL)
def test_any_single_character_change_of_a_uscc_is_detected(code: str, pos: int, symbol: str) -> None:
    if symbol == code[pos]:
        return
    corrupted = code[:pos] + symbol + code[pos + 1 :]
    assert not ids.is_valid_uscc(corrupted)


@given(rics())
def test_made_ids_validate(code: str) -> None:
    assert ids.validate_ric(code, today=TODAY) == code
    assert ids.mask_ric(code) == code[:6] + "********" + code[-4:]


@given(rics(), st.integers(0, 17), st.sampled_from("0123456789X"))
def test_any_single_character_change_of_an_id_is_detected(code: str, pos: int, char: str) -> None:
    if char == code[pos]:
        return
    corrupted = code[:pos] + char + code[pos + 1 :]
    with pytest.raises(ids.IdentifierError):
        ids.validate_ric(corrupted, today=TODAY)


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(1999, 12, 31)), REGION, st.integers(0, 999))
def test_fifteen_digit_ids_upgrade_to_eighteen(birth: dt.date, region: str, seq: int) -> None:
    full = ids.make_ric(region, birth, seq)
    legacy = f"{region}{birth:%y%m%d}{seq:03d}"
    assert ids.upgrade_ric15(legacy) == full
    assert ids.validate_ric(legacy, today=TODAY) == full


def test_village_collective_codes_are_accepted() -> None:
    made = ids.make_uscc("N", "2", "331081", "MF000000")
    assert made == "N2331081MF00000057"
    assert ids.validate_uscc(made) == made
    assert ids.org_code_of_uscc(made) == "MF0000005"
    # The spec's example has a valid USCC check but no valid GB 11714 check in its body.
    assert ids.validate_uscc("N2331081MF0000001T") == "N2331081MF0000001T"
    assert ids.org_code_of_uscc("N2331081MF0000001T") is None


def test_yuhuan_ids_of_people_born_before_2017_are_accepted() -> None:
    code = ids.make_ric("331083", dt.date(1975, 3, 8), 123)
    assert code.startswith("331083197503081")
    assert ids.validate_ric(code, today=TODAY) == code
    old = ids.make_ric("331021", dt.date(1975, 3, 8), 123)
    assert ids.is_valid_ric(old)


def test_jiaojiang_ids_older_than_the_district_are_accepted() -> None:
    # 椒江区 (331002) dates from 1994; a person born in 1990 can hold a 331002 number.
    assert ids.ric_check_char("33100219900101123") == "X"
    assert ids.validate_ric("33100219900101123x", today=TODAY) == "33100219900101123X"
    with pytest.raises(ids.IdentifierError) as err:
        ids.validate_ric("331002199001011238", today=TODAY)
    assert err.value.code == "ric.checksum"


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("9133100", "uscc.length"),
        ("Z1331081MA2ABCDE1X", "uscc.first"),
        ("91331081MA2ABCDEIX", "uscc.charset"),
        ("913310810ABCDEFGH1", "uscc.checksum"),
    ],
)
def test_uscc_errors_have_stable_codes(value: str, code: str) -> None:
    with pytest.raises(ids.IdentifierError) as err:
        ids.validate_uscc(value)
    assert err.value.code == code
    assert err.value.message


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("3310021990010112", "ric.length"),
        ("33100219900101123A", "ric.charset"),
        ("331002199002301234", "ric.birthdate"),
        ("331002203001011234", "ric.birthdate"),
        ("33100290022", "ric.length"),
        ("33100290A301123", "ric.charset"),
    ],
)
def test_id_errors_have_stable_codes(value: str, code: str) -> None:
    with pytest.raises(ids.IdentifierError) as err:
        ids.validate_ric(value, today=TODAY)
    assert err.value.code == code


def test_org_codes_with_hyphen_and_check_x() -> None:
    body = next(
        b for b in (f"{n:08d}" for n in range(10_000_000, 10_000_200)) if ids.org_code_check_char(b) == "X"
    )
    assert ids.validate_org_code(f"{body}-X") == f"{body}X"
    with pytest.raises(ids.IdentifierError) as err:
        ids.validate_org_code(f"{body}-1")
    assert err.value.code == "org.checksum"


def test_reg_numbers() -> None:
    assert ids.validate_reg_no(" 331081000123456 ") == "331081000123456"
    with pytest.raises(ids.IdentifierError):
        ids.validate_reg_no("33108100012345")
