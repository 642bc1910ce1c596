"""Identifiers: 统一社会信用代码 (GB 32100-2015), 组织机构代码 (GB 11714), 公民身份号码 (GB 11643-1999).

Validation is deliberately narrower than python-stdnum's: it accepts USCCs starting with A, N or Y
(村级集体经济组织 ``N2…``) and does not reject ID numbers whose district code is newer than the birth
year (玉环 ``331083…`` for people born before 2017), because address codes are assigned at registration.
"""

from __future__ import annotations

import datetime as dt
import re

from xinyong.kit.text import to_halfwidth

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
USCC_FIRST = frozenset("123456789ANY")
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
ORG_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
RIC_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
RIC_CHECK = "10X98765432"

_USCC_RE = re.compile(r"^[0-9A-HJ-NP-RT-UW-Y]{2}\d{6}[0-9A-HJ-NP-RT-UW-Y]{10}$")
_ORG_RE = re.compile(r"^[0-9A-Z]{8}[0-9X]$")


class IdentifierError(ValueError):
    """An identifier failed validation; ``code`` is stable, the message is Chinese."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _clean(value: str) -> str:
    return to_halfwidth(value).strip().replace(" ", "").replace("-", "").upper()


def uscc_check_char(first17: str) -> str:
    """Return the 18th (check) character for the first 17 characters of a USCC."""
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def org_code_check_char(first8: str) -> str:
    """Return the 9th (check) character of a 组织机构代码 (GB 11714, mod 11)."""
    total = sum(ORG_ALPHABET.index(c) * w for c, w in zip(first8, ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return "X" if check == 10 else ("0" if check == 11 else str(check))


def normalize_uscc(value: str) -> str:
    """Return a cleaned USCC (full-width to half-width, upper case, no spaces) without validating."""
    return _clean(value)


def validate_uscc(value: str) -> str:
    """Return the normalised USCC or raise ``IdentifierError``."""
    code = normalize_uscc(value)
    if len(code) != 18:
        raise IdentifierError("uscc.length", f"统一社会信用代码应为 18 位，实际为 {len(code)} 位")
    if code[0] not in USCC_FIRST:
        raise IdentifierError("uscc.first", f"统一社会信用代码首位“{code[0]}”不是有效的登记管理部门码")
    if not _USCC_RE.match(code):
        raise IdentifierError("uscc.charset", "统一社会信用代码含有无效字符（不使用 I、O、S、V、Z）")
    if uscc_check_char(code[:17]) != code[17]:
        raise IdentifierError("uscc.checksum", "统一社会信用代码校验位错误")
    return code


def is_valid_uscc(value: str) -> bool:
    """Tell whether ``value`` is a valid USCC."""
    try:
        validate_uscc(value)
    except IdentifierError:
        return False
    return True


def make_uscc(dept: str, kind: str, region: str, body: str) -> str:
    """Compose a valid USCC from its parts; ``body`` is 8 characters, the org-code check is added."""
    org = body + org_code_check_char(body)
    first17 = dept + kind + region + org
    return first17 + uscc_check_char(first17)


def validate_org_code(value: str) -> str:
    """Return a normalised 组织机构代码 (9 characters, no hyphen) or raise ``IdentifierError``."""
    code = _clean(value)
    if not _ORG_RE.match(code):
        raise IdentifierError("org.format", "组织机构代码应为 8 位本体代码加 1 位校验码")
    if org_code_check_char(code[:8]) != code[8]:
        raise IdentifierError("org.checksum", "组织机构代码校验位错误")
    return code


def org_code_of_uscc(uscc: str) -> str | None:
    """Return the 组织机构代码 embedded in a USCC if its GB 11714 check holds, else ``None``.

    Legacy records carrying only the 组织机构代码 are linked through it.
    """
    body = normalize_uscc(uscc)[8:17]
    try:
        return validate_org_code(body)
    except (IdentifierError, ValueError):
        return None


def ric_check_char(first17: str) -> str:
    """Return the check character of an 18-digit 公民身份号码."""
    total = sum(int(c) * w for c, w in zip(first17, RIC_WEIGHTS, strict=True))
    return RIC_CHECK[total % 11]


def upgrade_ric15(value: str) -> str:
    """Upgrade a 15-digit legacy ID number to 18 digits (insert the century ``19`` and the check)."""
    first17 = value[:6] + "19" + value[6:]
    return first17 + ric_check_char(first17)


def validate_ric(value: str, *, today: dt.date | None = None) -> str:
    """Return the normalised 18-digit ID number or raise ``IdentifierError``.

    Only the length, the digits, the birth date and the check character are checked — never whether
    the district code existed in the birth year.
    """
    code = _clean(value)
    if len(code) == 15:
        if not code.isdigit():
            raise IdentifierError("ric.charset", "15 位身份证号码应全部为数字")
        code = upgrade_ric15(code)
    if len(code) != 18:
        raise IdentifierError("ric.length", f"身份证号码应为 18 位，实际为 {len(code)} 位")
    if not code[:17].isdigit() or not (code[17].isdigit() or code[17] == "X"):
        raise IdentifierError("ric.charset", "身份证号码含有无效字符")
    try:
        birth = dt.date(int(code[6:10]), int(code[10:12]), int(code[12:14]))
    except ValueError as exc:
        raise IdentifierError("ric.birthdate", "身份证号码中的出生日期无效") from exc
    if birth.year < 1880 or birth > (today or dt.date.today()):  # noqa: DTZ011 - a date, not a timestamp
        raise IdentifierError("ric.birthdate", "身份证号码中的出生日期不合理")
    if ric_check_char(code[:17]) != code[17]:
        raise IdentifierError("ric.checksum", "身份证号码校验位错误")
    return code


def is_valid_ric(value: str) -> bool:
    """Tell whether ``value`` is a valid 公民身份号码 (15 or 18 digits)."""
    try:
        validate_ric(value)
    except IdentifierError:
        return False
    return True


def make_ric(region: str, birth: dt.date, seq: int) -> str:
    """Compose a valid 18-digit ID number."""
    first17 = f"{region}{birth:%Y%m%d}{seq:03d}"
    return first17 + ric_check_char(first17)


def mask_ric(code: str) -> str:
    """Mask an ID number for display: ``330102********4568``."""
    if len(code) < 10:
        return "*" * len(code)
    return code[:6] + "*" * (len(code) - 10) + code[-4:]


def validate_reg_no(value: str) -> str:
    """Return a normalised 15-digit 工商注册号 or raise ``IdentifierError``."""
    code = _clean(value)
    if len(code) != 15 or not code.isdigit():
        raise IdentifierError("regno.format", "工商注册号应为 15 位数字")
    return code
