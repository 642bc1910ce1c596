"""Text normalisation for Chinese names and codes (NFKC, full/half width, brackets, legal forms)."""

from __future__ import annotations

import re
import unicodedata

# Legal-form suffixes, stripped when comparing organisation names (tried longest first, so that
# 集团有限公司 wins over 有限公司 and 农民专业合作社 over 专业合作社).
_LEGAL_FORMS = (
    "股份有限公司",
    "有限责任公司",
    "有限公司",
    "集团有限公司",
    "集团公司",
    "合伙企业（有限合伙）",
    "合伙企业",
    "个人独资企业",
    "专业合作社",
    "农民专业合作社",
    "经营部",
    "商行",
    "厂",
    "店",
    "公司",
)
LEGAL_FORMS = tuple(sorted(_LEGAL_FORMS, key=len, reverse=True))
_SPACES = re.compile(r"\s+")
_BRACKETS = str.maketrans({"(": "（", ")": "）", "[": "（", "]": "）", "【": "（", "】": "）"})


def to_halfwidth(value: str) -> str:
    """Convert full-width ASCII (digits, letters, punctuation, ideographic space) to half-width."""
    out = []
    for ch in value:
        code = ord(ch)
        if code == 0x3000:
            out.append(" ")
        elif 0xFF01 <= code <= 0xFF5E:
            out.append(chr(code - 0xFEE0))
        else:
            out.append(ch)
    return "".join(out)


def clean_text(value: str) -> str:
    """Apply NFKC, collapse whitespace and strip."""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", value)).strip()


def normalize_name(value: str) -> str:
    """Return the canonical form of a subject name for storage and exact matching.

    NFKC (which turns full-width brackets into half-width), no spaces, upper-case Latin letters, then
    brackets written uniformly as full-width Chinese brackets: ``台州市宏达阀门有限公司（玉环）``.
    Control and format characters (NUL, zero-width spaces …) never belong to a name and are dropped.
    """
    text = "".join(ch for ch in value if unicodedata.category(ch) not in ("Cc", "Cf"))
    for _ in range(4):  # removing spaces or upper-casing can leave text NFKC changes again (A ´)
        before = text
        text = _SPACES.sub("", unicodedata.normalize("NFKC", text)).upper()
        if text == before:
            break
    return text.translate(_BRACKETS)


def name_core(value: str) -> str:
    """Return the distinctive core of an organisation name: normalised, without brackets' content
    markers and the legal-form suffix (for fuzzy matching, not for storage)."""
    text = _unbracket(normalize_name(value))
    for suffix in LEGAL_FORMS:
        bare = _unbracket(suffix)
        if text.endswith(bare):
            return text[: -len(bare)] if len(text) > len(bare) else text
    return text


def _unbracket(text: str) -> str:
    return text.replace("（", "").replace("）", "")


# A cell that a spreadsheet would run as a formula (CSV/formula injection, OWASP): "=", "+", "-", "@", and a
# leading tab or carriage return that some spreadsheets strip before looking.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")


def inert_cell(value: object) -> object:
    """Return ``value`` safe to open in a spreadsheet: text that would start a formula gets a leading ``'``.

    Numbers, and text that is just a signed number, are left as they are; nothing else is changed.
    """
    if isinstance(value, str) and value.startswith(_FORMULA_START) and not _PLAIN_NUMBER.match(value):
        return "'" + value
    return value
