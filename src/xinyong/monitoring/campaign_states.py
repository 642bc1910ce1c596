"""专项治理 handling (pure): the steps a target may take and a campaign's progress to closure."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

PENDING = "待处置"
RECTIFYING = "整改中"
RECTIFIED = "已整改"
UNRECTIFIABLE = "无法整改"
STATUSES = (PENDING, RECTIFYING, RECTIFIED, UNRECTIFIABLE)
CLOSED = frozenset({RECTIFIED, UNRECTIFIABLE})
STEPS: dict[str, frozenset[str]] = {
    PENDING: frozenset({RECTIFYING}),
    RECTIFYING: frozenset({RECTIFIED, UNRECTIFIABLE}),
    RECTIFIED: frozenset(),
    UNRECTIFIABLE: frozenset(),
}
NOTE_REQUIRED = frozenset({UNRECTIFIABLE})


def refusal(before: str, after: str, note: str | None) -> str | None:
    """Return why a step from ``before`` to ``after`` is refused (Chinese), or ``None`` when it is allowed."""
    if after not in STATUSES:
        return f"处置状态只能是：{'、'.join(STATUSES)}"
    if after not in STEPS.get(before, frozenset()):
        allowed = "、".join(sorted(STEPS.get(before, frozenset()))) or "无（已办结）"
        return f"当前状态为“{before}”，只能改为：{allowed}"
    if after in NOTE_REQUIRED and not (note or "").strip():
        return f"标记为“{after}”须说明原因"
    return None


@dataclass(frozen=True)
class Progress:
    """A campaign's progress to closure over the tasks a reader sees."""

    total: int
    by_status: dict[str, int]
    closed: int
    overdue: int

    @property
    def percent(self) -> float:
        """Return the share of tasks closed (已整改 or 无法整改), in per cent."""
        return round(100.0 * self.closed / self.total, 1) if self.total else 0.0


def progress(statuses: Iterable[str], *, due_on: dt.date, on: dt.date) -> Progress:
    """Return the counts by status, how many are closed, and how many are still open past the deadline."""
    counts = Counter(statuses)
    total = sum(counts.values())
    closed = sum(n for s, n in counts.items() if s in CLOSED)
    overdue = (total - closed) if on > due_on else 0
    return Progress(total, {s: counts.get(s, 0) for s in STATUSES}, closed, overdue)


def phase(*, launched_on: dt.date | None, starts_on: dt.date, ends_on: dt.date, on: dt.date) -> str:
    """Return the campaign's phase on ``on``: 未启动, 未开始, 进行中 or 已结束 (derived from its dates)."""
    if launched_on is None:
        return "未启动"
    if on < starts_on:
        return "未开始"
    return "进行中" if on <= ends_on else "已结束"
