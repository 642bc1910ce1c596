"""Defects real department feeds carry, injected into a chosen fraction of rows and counted.

Each defective row gets exactly one defect, so the manifest's counts tell an ingest test what to
expect: rows to reject (bad check characters, missing required fields, wrong column counts), rows to
repair (full-width digits, other date formats, half-width brackets, legacy codes, 15-digit IDs),
duplicates, and corrections (same document number, changed content).
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass

from xinyong.kit.ids import RIC_CHECK, USCC_ALPHABET
from xinyong.policy.schemas import CatalogItem
from xinyong.synth.context import Row
from xinyong.synth.subjects import SynthSubject

DEFECTS = (
    "bad_check",
    "fullwidth_digits",
    "date_format",
    "duplicate",
    "correction",
    "missing_required",
    "wrong_columns",
    "bracket_variant",
    "org_code_only",
    "id15",
)
REJECTED = ("bad_check", "missing_required", "wrong_columns")  # a careful ingest refuses these rows


def fullwidth(text: str) -> str:
    """Write ASCII digits and letters in full width (０１２Ａ)."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def other_date_format(day: dt.date, rng: random.Random) -> str:
    """Write a date as departments also do: 2026/5/3, 2026年5月3日 or 20260503."""
    style = rng.randrange(3)
    if style == 0:
        return f"{day.year}/{day.month}/{day.day}"
    if style == 1:
        return f"{day.year}年{day.month}月{day.day}日"
    return f"{day:%Y%m%d}"


@dataclass(frozen=True)
class Emitted:
    """A row to write and how many columns to add (+1) or drop (-1)."""

    row: Row
    columns: int = 0


@dataclass(frozen=True)
class ItemFields:
    """What the defects need to know about a catalog item's fields."""

    name: str
    uscc: str | None
    org_code: str | None
    person_id: str | None
    document_no: str
    decision: str
    dates: tuple[str, ...]
    required: tuple[str, ...]
    amounts: tuple[str, ...]
    texts: tuple[str, ...]

    @classmethod
    def of(cls, item: CatalogItem) -> ItemFields:
        """Read the roles and field types of a catalog item."""
        roles = dict(item.roles)
        role_fields = set(roles.values())
        return cls(
            name=roles["subject_name"],
            uscc=roles.get("uscc"),
            org_code=roles.get("org_code"),
            person_id=roles.get("person_id"),
            document_no=roles["document_no"],
            decision=roles["decision_on"],
            dates=tuple(f.name for f in item.fields if f.type == "date"),
            required=tuple(f.name for f in item.fields if f.required),
            amounts=tuple(f.name for f in item.fields if f.type == "amount_wan"),
            texts=tuple(
                f.name for f in item.fields if f.type == "text" and f.required and f.name not in role_fields
            ),
        )


class Mess:
    """Inject defects into a fraction of rows with its own random stream (content stays the same)."""

    def __init__(self, fraction: float, rng: random.Random) -> None:
        self.fraction = fraction
        self.rng = rng

    def apply(
        self, spec: ItemFields, subject: SynthSubject, row: Row, counts: Counter[str], *, xlsx: bool
    ) -> list[Emitted]:
        """Return the rows to write for one record, recording any defect in ``counts``."""
        if self.fraction <= 0 or self.rng.random() >= self.fraction:
            return [Emitted(row)]
        kinds = [k for k in DEFECTS if self._applies(k, spec, subject, row)]
        kind = self.rng.choice(kinds)
        counts[kind] += 1
        rng = self.rng
        bad = dict(row)
        code_field = spec.person_id if subject.is_person else spec.uscc
        if kind == "duplicate":
            return [Emitted(row), Emitted(row)]
        if kind == "correction":
            return [Emitted(row), Emitted(self._corrected(spec, row))]
        if kind == "wrong_columns":
            return [Emitted(row, 1 if xlsx or rng.random() < 0.5 else -1)]
        if kind == "bad_check" and code_field:
            code = str(row[code_field])
            alphabet = RIC_CHECK if subject.is_person else USCC_ALPHABET
            bad[code_field] = code[:-1] + rng.choice([c for c in alphabet if c != code[-1]])
        elif kind == "fullwidth_digits" and code_field:
            bad[code_field] = fullwidth(str(row[code_field]))
        elif kind == "date_format":
            field = rng.choice([f for f in spec.dates if isinstance(row.get(f), dt.date)])
            value = row[field]
            if isinstance(value, dt.date):
                bad[field] = other_date_format(value, rng)
        elif kind == "missing_required":
            bad[rng.choice([f for f in spec.required if row.get(f) not in (None, "")])] = None
        elif kind == "bracket_variant":
            bad[spec.name] = str(row[spec.name]).replace("（", "(").replace("）", ")")
        elif kind == "org_code_only" and spec.uscc and spec.org_code:
            bad[spec.uscc] = None
            bad[spec.org_code] = subject.org_code
        elif kind == "id15" and spec.person_id:
            code = str(row[spec.person_id])
            bad[spec.person_id] = code[:6] + code[8:17]
        return [Emitted(bad)]

    @staticmethod
    def _applies(kind: str, spec: ItemFields, subject: SynthSubject, row: Row) -> bool:
        if kind == "bracket_variant":
            return "（" in str(row.get(spec.name, ""))
        if kind == "org_code_only":
            return not subject.is_person and bool(spec.org_code) and bool(row.get(spec.uscc or ""))
        if kind == "id15":
            return subject.is_person and subject.birth is not None and 1900 <= subject.birth.year <= 1999
        if kind == "date_format":
            return any(isinstance(row.get(f), dt.date) for f in spec.dates)
        return True

    def _corrected(self, spec: ItemFields, row: Row) -> Row:
        fixed = dict(row)
        amounts = [f for f in spec.amounts if isinstance(row.get(f), float)]
        if amounts:
            field = amounts[0]
            value = row[field]
            if isinstance(value, float):
                fixed[field] = round(value * self.rng.choice((0.5, 0.8, 1.2, 2.0)), 4)
            return fixed
        texts = [f for f in spec.texts if f != spec.document_no and row.get(f)]
        field = self.rng.choice(texts)
        fixed[field] = f"{row[field]}（更正）"
        return fixed
