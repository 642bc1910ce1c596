"""Time travel: the two dates every read of the past takes, and what each one filters.

``on`` is valid time — the world as of that day: which records were decided, which status events had
taken effect, which rules and models were in force. ``known`` is transaction time — what the platform had
received by then: a record version counts only if it was received by ``known`` (``first_received_at``)
and no successor received by ``known`` supersedes it; a status event (repair, objection, deletion) only if
it was recorded by ``known`` (``record_event.created_at``). Nothing is flagged: both are filters over rows
that are never updated in place (see ``docs/timetravel.md``).

``known_at`` is an instant (inclusive); ``None`` means everything stored now. A date given for ``known``
means the end of that business day (Asia/Shanghai).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from xinyong.db import utcnow
from xinyong.errors import Invalid
from xinyong.kit.dates import MAX_INPUT_DATE, MIN_INPUT_DATE
from xinyong.runtime import Runtime

NOW = "now"
KNOWN_HELP = (
    "已知日期（交易时间：平台截至该日已收到的信息，YYYY-MM-DD 或带时区的时刻；"
    "历史日期默认取 on，今天默认现在；now 为更正后的历史）"
)


@dataclass(frozen=True)
class AsOf:
    """A read of the platform as of valid date ``on`` with what was known at ``known_at`` (None: now)."""

    on: dt.date
    known_at: dt.datetime | None = None

    @property
    def history(self) -> bool:
        """Tell whether the read is cut at a past instant (some stored rows may be left out)."""
        return self.known_at is not None

    def known_text(self) -> str | None:
        """Return ``known_at`` as ISO text (UTC), or ``None`` for everything stored now."""
        return None if self.known_at is None else self.known_at.astimezone(dt.UTC).isoformat()


def end_of_day(day: dt.date, timezone: str) -> dt.datetime:
    """Return the last instant of business day ``day`` (inclusive cut-off), in UTC."""
    start = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=ZoneInfo(timezone))
    return (start - dt.timedelta(microseconds=1)).astimezone(dt.UTC)


def _parse_known(known: str, timezone: str) -> dt.datetime:
    text = known.strip()
    try:
        if len(text) == 10:
            day = dt.date.fromisoformat(text)
            if not MIN_INPUT_DATE <= day <= MAX_INPUT_DATE:
                raise ValueError(text)
            return end_of_day(day, timezone)
        at = dt.datetime.fromisoformat(text)
    except ValueError:
        raise Invalid(
            f"已知日期 known 格式不正确：{known[:40]}（应为 YYYY-MM-DD、带时区的时刻或 now）",
            code="asof.bad_known",
        ) from None
    if not MIN_INPUT_DATE <= at.date() <= MAX_INPUT_DATE:
        raise Invalid(f"已知日期 known 超出允许范围：{known[:40]}", code="asof.bad_known")
    return (at if at.tzinfo else at.replace(tzinfo=ZoneInfo(timezone))).astimezone(dt.UTC)


def resolve(
    on: dt.date | None,
    known: str | None,
    *,
    today: dt.date,
    now: dt.datetime,
    timezone: str = "Asia/Shanghai",
) -> AsOf:
    """Return the read asked for: ``on`` defaults to today; ``known`` to ``on`` for a past day, else now.

    ``known=now`` asks for corrected history (the past as the platform knows it today). A ``known`` later
    than today (or than this instant) is refused: the platform cannot answer with what it does not have.
    """
    day = on or today
    if known is None:
        return AsOf(day, end_of_day(day, timezone) if day < today else None)
    if known.strip().lower() == NOW:
        return AsOf(day, None)
    at = _parse_known(known, timezone)
    if at > max(now, end_of_day(today, timezone)):
        raise Invalid(
            f"已知日期 known 不能晚于今天（{today.isoformat()}）：平台不能按尚未收到的信息作答",
            code="asof.known_in_future",
        )
    return AsOf(day, at)


def of_runtime(runtime: Runtime, on: dt.date | None, known: str | None) -> AsOf:
    """Return the read asked for by a request's ``on`` and ``known`` (see :func:`resolve`)."""
    return resolve(on, known, today=runtime.today(), now=utcnow(), timezone=runtime.settings.timezone)
