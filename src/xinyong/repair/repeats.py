"""Repeat violations (同一类违法行为再次受到处罚) of a whole ingest batch, in one pass over its subjects.

A record's repeat date is the first later decision against the same subject, in the same catalog item,
for the same violation (the item's violation field), under another record key (a new version of the same
record is not a repeat): ``repair.queries._repeat_violation`` for one record, ``repeat_violations`` for a
page of them (a self-join). The self-join probes each record's subject once per record, so a batch that
brings k records per subject costs k² row reads per subject; at 5,000,000 rows with 25 per subject that
join was still running after 13 minutes. :func:`batch_repeats` reads each record of the batch's
subjects once instead — the batch's id range in table order (inside the ingest's transaction every page
read goes through the write-ahead log's index, so a page per row would cost far more), their other
records through the subject index — has the database sort them by subject, and sorts each subject's
records in Python: for each violation, from the latest decision down, it keeps the two earliest later
decisions with different record keys, which answer every record of that date. The dates are kept in
an array of day numbers over the batch's id range (4 bytes a record), not in a dictionary.
"""

from __future__ import annotations

import datetime as dt
from array import array
from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import func, or_, select, union_all
from sqlalchemy.orm import Session

from xinyong.policy.loader import Policy
from xinyong.records.models import CreditRecord
from xinyong.repair.workflows import workflows

_STREAM = 10_000  # rows fetched at a time


class BatchRepeats:
    """Record id → the first later repeat decision, for the records of one batch (``get`` like a dict)."""

    def __init__(self, first_id: int, days: array[int]) -> None:
        self._first = first_id
        self._days = days

    def get(self, record_id: int) -> dt.date | None:
        """Return the record's repeat date, or ``None`` (also for a record outside the batch)."""
        i = record_id - self._first
        if i < 0 or i >= len(self._days) or not self._days[i]:
            return None
        return dt.date.fromordinal(self._days[i])

    def items(self) -> Iterable[tuple[int, dt.date]]:
        """Yield ``(record_id, date)`` for every record with a repeat."""
        for i, day in enumerate(self._days):
            if day:
                yield self._first + i, dt.date.fromordinal(day)


def batch_repeats(session: Session, policy: Policy, batch_id: int) -> BatchRepeats:
    """Work out the repeat date of every record of ``batch_id`` (see the module docstring)."""
    first, last = session.execute(
        select(func.min(CreditRecord.id), func.max(CreditRecord.id)).where(CreditRecord.batch_id == batch_id)
    ).one()
    if first is None:
        return BatchRepeats(0, array("i"))
    days = array("i", bytes(4 * (last - first + 1)))
    for item, field in workflows(policy).repair.violation_fields.items():
        columns = (
            CreditRecord.subject_id,
            CreditRecord.id,
            CreditRecord.batch_id,
            CreditRecord.record_key,
            CreditRecord.decision_on,
            CreditRecord.payload[field].as_string(),
        )
        subjects = select(CreditRecord.subject_id).where(
            CreditRecord.batch_id == batch_id, CreditRecord.catalog_item == item
        )
        # the batch's own id range read in table order (each page once, not a page per row: within the
        # ingest's transaction every page comes through the write-ahead log's index), the subjects' other
        # records through the subject index; the database sorts them by subject
        inside = select(*columns).where(
            CreditRecord.catalog_item == item, CreditRecord.id.between(first, last)
        )
        outside = select(*columns).where(
            CreditRecord.catalog_item == item,
            CreditRecord.subject_id.in_(subjects),
            or_(CreditRecord.id < first, CreditRecord.id > last),
        )
        stmt = union_all(inside, outside).order_by("subject_id")
        rows = session.connection().execute(stmt.execution_options(stream_results=True, yield_per=_STREAM))
        current: int | None = None
        group: list[tuple[str, int, str, int]] = []
        for subject_id, rid, bid, key, on, text in rows:
            if subject_id != current:
                _settle(group, first, days)
                current, group = subject_id, []
            if on is not None and text:
                group.append((text, on.toordinal(), key, rid - first if bid == batch_id else -1))
        _settle(group, first, days)
    return BatchRepeats(first, days)


def _settle(rows: list[tuple[str, int, str, int]], first: int, days: array[int]) -> None:
    """Set the repeat day of the batch's records (their index in ``days``; -1 for others) among one
    subject's records of one item."""
    by_text: dict[str, list[tuple[int, str, int]]] = defaultdict(list)
    for text, day, key, rid in rows:
        by_text[text].append((day, key, rid))
    for group in by_text.values():
        if len(group) < 2:
            continue
        group.sort(reverse=True)
        # the earliest later decision (day, key), and the earliest later one under another key
        best: tuple[int, str] | None = None
        other: tuple[int, str] | None = None
        i = 0
        while i < len(group):
            day = group[i][0]
            j = i
            while j < len(group) and group[j][0] == day:
                j += 1
            keys: list[str] = []
            for _, key, index in group[i:j]:
                if index >= 0:
                    found = best if best is not None and best[1] != key else other
                    if found is not None:
                        days[index] = found[0]
                if key not in keys and len(keys) < 2:
                    keys.append(key)
            if len(keys) == 2:
                best, other = (day, keys[0]), (day, keys[1])
            else:
                if best is not None and best[1] != keys[0]:
                    other = best
                best = (day, keys[0])
            i = j
