"""Dates accepted from outside: bounded to a sane range at the schema, before any arithmetic runs.

Business dates near the end of the calendar (9999-12-31) overflowed ``add_months`` and ``date +
timedelta`` deep in the rules and answered 500. Every date a request carries is an ``InputDate``:
outside 1900-01-01 … 2199-12-31 it is refused with a Chinese message (422) where it is parsed.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import AfterValidator, WithJsonSchema

MIN_INPUT_DATE = dt.date(1900, 1, 1)
MAX_INPUT_DATE = dt.date(2199, 12, 31)


def bounded(value: dt.date) -> dt.date:
    """Return ``value`` if it lies in the accepted range; raise a Chinese ``ValueError`` otherwise."""
    if not MIN_INPUT_DATE <= value <= MAX_INPUT_DATE:
        raise ValueError(f"日期 {value.isoformat()} 超出允许范围（{MIN_INPUT_DATE} 至 {MAX_INPUT_DATE}）")
    return value


InputDate = Annotated[
    dt.date,
    AfterValidator(bounded),
    WithJsonSchema(
        {
            "type": "string",
            "format": "date",
            "formatMinimum": MIN_INPUT_DATE.isoformat(),
            "formatMaximum": MAX_INPUT_DATE.isoformat(),
        }
    ),
]
