"""Coverage of civil servants' credit files (公务员诚信档案覆盖率), pure: from posts and declared headcounts.

A civil servant counts on a day when appointed on or before it and not yet left; the body's denominator
is the headcount it declared most recently on or before the day. Without a declaration the coverage is
unknown — never guessed — and said so.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from xinyong.kit.dates import phase


@dataclass(frozen=True)
class Figures:
    """Coverage of one body on one day."""

    in_post: int
    headcount: int | None
    coverage: float | None
    meets_target: bool | None
    note: str


def in_post(posts: Iterable[tuple[dt.date, dt.date | None]], on: dt.date) -> int:
    """Count the posts (appointed, left) held on ``on``."""
    return sum(1 for start, end in posts if phase(start, end, on) == "during")


def headcount_on(declared: Iterable[tuple[dt.date, int]], on: dt.date) -> int | None:
    """Return the headcount declared most recently on or before ``on``."""
    known = sorted((d, n) for d, n in declared if d <= on)
    return known[-1][1] if known else None


def figures(
    posts: Iterable[tuple[dt.date, dt.date | None]],
    declared: Iterable[tuple[dt.date, int]],
    on: dt.date,
    target: float,
) -> Figures:
    """Return a body's coverage on ``on`` against ``target`` (a share, 1.0 = 100 %)."""
    count = in_post(posts, on)
    denominator = headcount_on(declared, on)
    if denominator is None:
        return Figures(count, None, None, None, "未报送在编公务员人数，无法计算覆盖率")
    if denominator == 0:
        return Figures(count, 0, None, None, "在编公务员人数为 0")
    share = count / denominator
    if share > 1:
        return Figures(count, denominator, share, True, "建档人数多于报送的在编人数，请核对编制数")
    met = share >= target
    return Figures(count, denominator, share, met, "已达到目标" if met else "未达到目标")
