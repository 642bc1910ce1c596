"""Validate a chunk of a source (pure: Arrow in, Arrow out; no database).

Every error of a row is collected with a stable code, the field and a Chinese message: required fields
(also by subject category), identifier checksums, enumerations, dates and their plausibility, amounts
in 万元, text lengths, refused values and the department of the row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from xinyong.ingest import derived
from xinyong.ingest import fields as F  # noqa: N812 - short alias for the parser module
from xinyong.ingest.sources import Source
from xinyong.kit import ids
from xinyong.kit.crypto import KeyRing
from xinyong.policy.schemas import CatalogField, SeverityMap

PERSON = "自然人"


@dataclass(frozen=True)
class Department:
    """What validation needs to know of a department."""

    id: int
    code: str
    region: str
    domain: str | None


@dataclass(frozen=True)
class Context:
    """Everything a chunk validation needs, prepared once per batch."""

    source: Source
    enums: Mapping[str, Mapping[str, str]]
    severity: SeverityMap
    departments_by_uscc: Mapping[str, Department]
    department: Department | None
    today: dt.date
    keys: KeyRing
    known_usccs: pa.Array | None = None
    only_department: str | None = None


@dataclass
class Validated:
    """A validated chunk: normalised columns by catalog field and the failures."""

    n: int
    text: dict[str, pa.Array]
    dates: dict[str, pa.Array]
    amounts: dict[str, pa.Array]
    enums: dict[str, pa.Array]
    codes: dict[str, pa.Array]
    person_index: pa.Array
    person_plain: list[str | None]
    person_masked: dict[str, pa.Array]
    category: pa.Array
    department: pa.Array
    severity: pa.Array
    failures: F.Failures
    code_errors: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))


def map_columns(source: Source, headers: list[str]) -> tuple[dict[str, str], list[str]]:
    """Return header → catalog field for mapped headers, and the headers outside the catalog."""
    mapping: dict[str, str] = {}
    unknown: list[str] = []
    for h in headers:
        name = source.field_for(h)
        if name is None or name in mapping.values():
            unknown.append(h)
        else:
            mapping[h] = name
    return mapping, unknown


@dataclass
class _Work:
    """A chunk being validated: its raw columns and what each field's parser has produced so far."""

    ctx: Context
    n: int
    raw: dict[str, pa.Array]
    refused: dict[str, dict[str, tuple[str, str]]]
    fail: F.Failures = field(default_factory=F.Failures)
    category: pa.Array | None = None
    text: dict[str, pa.Array] = field(default_factory=dict)
    dates: dict[str, pa.Array] = field(default_factory=dict)
    amounts: dict[str, pa.Array] = field(default_factory=dict)
    enums: dict[str, pa.Array] = field(default_factory=dict)
    codes: dict[str, pa.Array] = field(default_factory=dict)
    person_masked: dict[str, pa.Array] = field(default_factory=dict)
    person_index: pa.Array | None = None
    person_plain: list[str | None] = field(default_factory=list)
    code_errors: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))

    def empty(self) -> pa.Array:
        return pa.nulls(self.n, pa.string())

    def col(self, name: str) -> pa.Array:
        found = self.raw.get(name)
        return self.empty() if found is None else found


def validate_chunk(ctx: Context, table: pa.Table, mapping: Mapping[str, str]) -> Validated:
    """Validate one chunk whose columns are the file's headers."""
    n = table.num_rows
    raw: dict[str, pa.Array] = {}
    for header, name in mapping.items():
        col = table.column(header)
        raw[name] = F.clean_text(col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col)
    refused: dict[str, dict[str, tuple[str, str]]] = {}
    for r in ctx.source.spec.refused_values:
        refused.setdefault(r.field, {})[r.value] = (r.code, r.message)
    w = _Work(ctx, n, raw, refused, person_plain=[None] * n, code_errors=np.zeros(n, dtype=bool))
    _parse_enums(w)  # subject category first: several requirements depend on it
    for f in ctx.source.item.fields:
        col = w.col(f.name)
        present = F.mask_of(pc.is_valid(col))
        _required(w, f, ~present)
        if present.any():
            _PARSERS.get(f.type, _parse_text)(w, f, col)
    derived.plausible_dates(ctx, w.dates, w.fail)
    department = _departments(ctx, raw, w.codes, w.fail, n)
    return Validated(
        n=n,
        text=w.text,
        dates=w.dates,
        amounts=w.amounts,
        enums=w.enums,
        codes=w.codes,
        person_index=w.person_index if w.person_index is not None else w.empty(),
        person_plain=w.person_plain,
        person_masked=w.person_masked,
        category=w.category if w.category is not None else w.empty(),
        department=department,
        severity=derived.severity(ctx, w.enums, w.amounts, department),
        failures=w.fail,
        code_errors=w.code_errors,
    )


def _parse_enums(w: _Work) -> None:
    """Map every enumeration to its canonical labels; refused and unknown values fail."""
    cat_field = w.ctx.source.item.roles.get("subject_category")
    for f in w.ctx.source.item.fields:
        if f.type not in ("enum", "multi_enum"):
            continue
        col = w.col(f.name)
        labels = F.enum_lookup(w.ctx.enums[f.enum_ref or ""])
        mapped, problems = F.parse_enum(col, labels, w.refused.get(f.name, {}), multi=f.type == "multi_enum")
        for value, (code, message) in problems.items():
            w.fail.add(F.mask_of(pc.equal(col, value)), code, f.name, f"{f.label}：{message}")
        w.enums[f.name] = mapped
        if f.name == cat_field:
            w.category = mapped


def _required(w: _Work, f: CatalogField, missing: np.ndarray) -> None:
    """Fail the rows missing a required field (always, or for the subject categories that need it)."""
    if f.required:
        w.fail.add(missing, "required", f.name, f"缺少必填项“{f.label}”")
    elif f.required_for and f.name != w.ctx.source.item.roles.get("uscc"):
        # A missing USCC is not a rejection: legacy codes or the name + county identify the
        # subject, or the row waits in the 未关联 queue; 完整率 shows the gap.
        cats = pa.array(f.required_for, pa.string())
        category = w.category if w.category is not None else w.empty()
        need = F.mask_of(pc.is_in(category, value_set=cats))
        w.fail.add(
            missing & need,
            "required.category",
            f.name,
            f"缺少“{f.label}”（主体类别为{'、'.join(f.required_for)}时必填）",
        )


def _parse_date(w: _Work, f: CatalogField, col: pa.Array) -> None:
    spec = w.ctx.source.spec
    parsed, bad = F.parse_dates(col, spec.date_formats, excel_serials=spec.excel_serial_dates)
    w.fail.add(
        bad,
        "date.format",
        f.name,
        f"“{f.label}”不是可识别的日期（如 2026-05-03、2026/5/3、2026年5月3日、20260503）",
    )
    too_old = F.mask_of(pc.less(parsed, pa.scalar(dt.date(1949, 10, 1), pa.date32())))
    w.fail.add(too_old, "date.range", f.name, f"“{f.label}”早于 1949-10-01，不合理")
    w.dates[f.name] = parsed


def _parse_number(w: _Work, f: CatalogField, col: pa.Array) -> None:
    parsed, bad = F.parse_amounts(col)
    w.fail.add(bad, "number.format", f.name, f"“{f.label}”不是数字")
    negative = F.mask_of(pc.less(parsed, 0))
    w.fail.add(negative, "number.negative", f.name, f"“{f.label}”不能为负数")
    if f.type == "amount_wan":
        limit = w.ctx.source.spec.max_amount_wan
        huge = F.mask_of(pc.greater(parsed, limit))
        w.fail.add(huge, "amount.range", f.name, f"“{f.label}”超过 {limit:g} 万元，请确认单位是否为万元")
    w.amounts[f.name] = parsed


def _parse_code(w: _Work, f: CatalogField, col: pa.Array) -> None:
    cleaned = F.clean_code(col)
    validator = ids.validate_uscc if f.type == "uscc" else ids.validate_org_code
    known = w.ctx.known_usccs if f.name == w.ctx.source.item.roles.get("uscc") else None
    fast = F.uscc_valid_mask if f.type == "uscc" else None
    valid, errors = F.validate_codes(cleaned, validator, known, fast)
    for value, exc in errors.items():
        bad = F.mask_of(pc.equal(cleaned, value))
        w.fail.add(bad, exc.code, f.name, f"{f.label}：{exc.message}")
        w.code_errors |= bad
    w.codes[f.name] = valid


def _parse_person(w: _Work, f: CatalogField, col: pa.Array) -> None:
    roles = w.ctx.source.item.roles
    masked, index, plain, bad_msgs = _person_ids(w.ctx, col, w.enums, f.name, roles)
    for i, (code, message) in bad_msgs.items():
        w.fail.add_one(i, code, f.name, f"{f.label}：{message}")
        w.code_errors[i] = True
    w.person_masked[f.name] = masked
    if f.name == roles.get("person_id"):
        w.person_index = index
        w.person_plain = plain


def _parse_text(w: _Work, f: CatalogField, col: pa.Array) -> None:
    if f.max_length:
        long = F.mask_of(pc.greater(pc.utf8_length(col), f.max_length))
        w.fail.add(long, "text.length", f.name, f"“{f.label}”超过 {f.max_length} 个字符")
    w.text[f.name] = col


_PARSERS: dict[str, Callable[[_Work, CatalogField, pa.Array], None]] = {
    "date": _parse_date,
    "amount_wan": _parse_number,
    "decimal": _parse_number,
    "int": _parse_number,
    "uscc": _parse_code,
    "org_code": _parse_code,
    "id_number": _parse_person,
}


def _person_ids(
    ctx: Context, col: pa.Array, enums: Mapping[str, pa.Array], name: str, roles: Mapping[Any, str]
) -> tuple[pa.Array, pa.Array, list[str | None], dict[int, tuple[str, str]]]:
    """Validate 身份证 numbers; return masks, blind indexes, the numbers (memory only) and errors."""
    type_field = roles.get("person_id_type") if name == roles.get("person_id") else None
    id_types = enums.get(type_field) if type_field else None
    values = col.to_pylist()
    kinds = id_types.to_pylist() if id_types is not None else [None] * len(values)
    masked: list[str | None] = []
    index: list[str | None] = []
    plain: list[str | None] = []
    bad: dict[int, tuple[str, str]] = {}
    for i, (value, kind) in enumerate(zip(values, kinds, strict=True)):
        if value is None:
            masked.append(None)
            index.append(None)
            plain.append(None)
            continue
        if kind not in (None, "身份证"):
            cleaned = value.strip().upper()
            masked.append(ids.mask_ric(cleaned))
            index.append(ctx.keys.blind_index(cleaned, scheme="OTHER"))
            plain.append(None)
            continue
        try:
            ric = ids.validate_ric(value, today=ctx.today)
        except ids.IdentifierError as exc:
            bad[i] = (exc.code, exc.message)
            masked.append(ids.mask_ric(value.strip()))
            index.append(None)
            plain.append(None)
            continue
        masked.append(ids.mask_ric(ric))
        index.append(ctx.keys.blind_index(ric, scheme="ID_CARD"))
        plain.append(ric)
    return pa.array(masked, pa.string()), pa.array(index, pa.string()), plain, bad


def _departments(
    ctx: Context, raw: Mapping[str, pa.Array], codes: Mapping[str, pa.Array], fail: F.Failures, n: int
) -> pa.Array:
    """Return the department code of every row (fixed, or resolved from department USCC columns)."""
    spec = ctx.source.spec
    if not spec.department_by:
        code = ctx.department.code if ctx.department else None
        return pa.array([code] * n, pa.string())
    resolved = pa.nulls(n, pa.string())
    by_uscc = {u: d.code for u, d in ctx.departments_by_uscc.items()}
    for name in spec.department_by:
        col = codes.get(name)
        if col is None:
            col = F.clean_code(raw.get(name, pa.nulls(n, pa.string())))
        mapped = F.map_distinct(col, lambda v: by_uscc.get(v))
        resolved = pc.if_else(pc.is_null(resolved), mapped, resolved)
    first = spec.department_by[0]
    fail.add(
        F.mask_of(pc.is_null(resolved)),
        "department.unknown",
        first,
        "数据来源单位（或决定机关）的统一社会信用代码不属于本平台部门名录中登记的任何在册部门",
    )
    if ctx.only_department:
        other = F.mask_of(pc.and_(pc.is_valid(resolved), pc.not_equal(resolved, ctx.only_department)))
        fail.add(
            other,
            "department.mismatch",
            first,
            f"本行属于其他部门，{ctx.only_department} 的密钥只能报送本部门的数据",
        )
    return resolved
