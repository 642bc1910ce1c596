"""Text normalisation: NFKC, full/half width, brackets, legal-form suffixes."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xinyong.kit.text import (
    LEGAL_FORMS,
    clean_text,
    name_core,
    normalize_name,
    to_halfwidth,
)

ASCII = st.text(alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E), max_size=30)


def fullwidth(text: str) -> str:
    """Write printable ASCII in full width."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


@given(ASCII)
def test_halfwidth_undoes_fullwidth(text: str) -> None:
    assert to_halfwidth(fullwidth(text)) == text


def test_halfwidth_keeps_chinese_and_turns_the_ideographic_space() -> None:
    assert to_halfwidth("台州\u3000ＡＢＣ１２３（玉环）") == "台州 ABC123(玉环)"


@given(st.text(max_size=40))
def test_normalize_name_is_idempotent(text: str) -> None:
    once = normalize_name(text)
    assert normalize_name(once) == once


@given(st.text(alphabet="台州宏达阀门有限公司玉环（）()[]【】 　abcABC１２３", max_size=30))
def test_bracket_and_width_variants_normalise_alike(text: str) -> None:
    half = text.replace("（", "(").replace("）", ")")
    assert normalize_name(half) == normalize_name(text)
    assert normalize_name(fullwidth(text)) == normalize_name(text)


@pytest.mark.parametrize(
    "variant",
    [
        "宏达阀门（玉环）有限公司",
        "宏达阀门(玉环)有限公司",
        "宏达阀门 (玉环) 有限公司",
        "宏达阀门【玉环】有限公司",
        "宏达阀门（玉环）有限公司\u3000",
    ],
)
def test_bracket_variants_of_one_name(variant: str) -> None:
    assert normalize_name(variant) == "宏达阀门（玉环）有限公司"


def test_latin_letters_are_upper_cased() -> None:
    assert normalize_name("台州abc科技有限公司") == "台州ABC科技有限公司"


@pytest.mark.parametrize(
    ("name", "core"),
    [
        ("台州市黄岩宏达模塑有限公司", "台州市黄岩宏达模塑"),
        ("浙江鑫源阀门股份有限公司", "浙江鑫源阀门"),
        ("温岭市华龙泵业有限责任公司", "温岭市华龙泵业"),
        ("台州宏达集团有限公司", "台州宏达"),
        ("临海市东塍杨梅农民专业合作社", "临海市东塍杨梅"),
        ("台州博远投资合伙企业（有限合伙）", "台州博远投资"),
        ("台州博远投资合伙企业(有限合伙)", "台州博远投资"),
        ("温岭市泽国宏达五金店", "温岭市泽国宏达五金"),
        ("有限公司", "有限公司"),
    ],
)
def test_name_core_strips_the_legal_form(name: str, core: str) -> None:
    assert name_core(name) == core


def test_legal_forms_are_tried_longest_first() -> None:
    lengths = [len(f) for f in LEGAL_FORMS]
    assert lengths == sorted(lengths, reverse=True)


def test_clean_text() -> None:
    assert clean_text("  台州  市\t宏达 ") == "台州 市 宏达"


def test_control_and_format_characters_are_dropped() -> None:
    assert normalize_name("宏达\x00阀门\u200b有限公司") == "宏达阀门有限公司"


def test_inert_cell_defuses_formulas_and_leaves_data() -> None:
    from xinyong.kit.text import inert_cell

    for bad in ("=1+1", "+SUM(A1)", "-2+3", "@A1", "\t=1", "\r=1", "=cmd|' /C calc'!A0"):
        assert inert_cell(bad) == "'" + bad
    for fine in ("台州市宏达阀门有限公司", "-5", "+3.5", "12", "", "a=b", 7, None, -1.5):
        assert inert_cell(fine) == fine
