"""What a row builder sees: the subject, the decision date, the department and counters."""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeAlias

from xinyong.policy.schemas import DepartmentSpec
from xinyong.synth.subjects import SynthSubject

Value: TypeAlias = str | float | dt.date | None
Row: TypeAlias = dict[str, Value]


@dataclass
class Ctx:
    """The context of one generated record."""

    rng: random.Random
    subject: SynthSubject
    on: dt.date
    dept: DepartmentSpec
    abbr: str  # one-character abbreviation of the department's county (台 for the city)
    end: dt.date
    seq: Callable[[str], int]


def add_years(day: dt.date, years: float) -> dt.date:
    """Add whole months (``years`` × 12, rounded) to a date, clamping to the month's end."""
    months = day.month - 1 + round(years * 12)
    year, month = day.year + months // 12, months % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def log_uniform(ctx: Ctx, low: float, high: float) -> float:
    """Return an amount in 万元 with at most four decimals (whole yuan)."""
    value = math.exp(ctx.rng.uniform(math.log(low), math.log(high)))
    return round(value, 4 if value < 1 else 2)


def doc_no(ctx: Ctx, word: str) -> str:
    """Return a decision number such as 温市监处〔2024〕123号, unique per department and year."""
    abbr = ctx.abbr
    n = ctx.seq(f"{ctx.dept.code}:{word}:{ctx.on.year}")
    return f"{abbr}{word}〔{ctx.on.year}〕{n}号"
