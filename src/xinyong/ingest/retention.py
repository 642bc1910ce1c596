"""Rows already past Zhejiang's retention period when they arrive: audit archive only.

浙江省公共信用信息管理条例第十五、十六条: negative information is kept for the retention period
(``policy/retention.yaml``) and deleted when it ends. A row whose period has already ended on the day
it is received must not enter the credit file (it would be shown, scored or matched by a check only
until the next purge); it is kept, encrypted, in the batch's archive with the warning code
``record.retention_expired`` so the delivery itself stays accountable. The period is the one the
records capability computes (``retention_end``); this module only asks it, for the few rows old enough
to be candidates.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from xinyong.policy.loader import Policy
from xinyong.records import service as records_service
from xinyong.records.models import CreditRecord
from xinyong.rules.disclosure import retention_end

CODE = "record.retention_expired"


@dataclass(frozen=True)
class IntakeRow:
    """What retention needs of one validated, linked row."""

    index: int
    subject_id: int
    decision_on: dt.date | None
    valid_to: dt.date | None
    severity: str | None
    payload_text: str | None


def message(end: dt.date, policy: Policy) -> str:
    """Return the warning read by the department."""
    return (
        f"该信息的保存期限已于 {end - dt.timedelta(days=1)} 届满（{policy.retention.basis}），"
        "仅存入审计档案，不进入信用档案，不公示、不共享、不用于评价和核查"
    )


def expired_at_intake(
    session: Session, policy: Policy, catalog_item: str, polarity: str, rows: Sequence[IntakeRow], on: dt.date
) -> dict[int, dt.date]:
    """Return, by row index, the retention end of each row already past it on ``on``."""
    if polarity != "negative" or not rows:
        return {}
    # Retention never ends before decision + the period (a sentence or a listing only extends it), and
    # a month has at least 28 days: only rows at least that old are asked about.
    oldest_possible = on - dt.timedelta(days=28 * policy.retention.negative_retention_months)
    candidates = [r for r in rows if r.decision_on is not None and r.decision_on <= oldest_possible]
    if not candidates:
        return {}
    listings = records_service.listings_of(session, {r.subject_id for r in candidates}, policy)
    out: dict[int, dt.date] = {}
    for r in candidates:
        record = CreditRecord(
            catalog_item=catalog_item,
            polarity=polarity,
            decision_on=r.decision_on,
            valid_to=r.valid_to,
            severity=r.severity,
            payload=json.loads(r.payload_text or "{}"),
        )
        facts = records_service.facts_of(
            record,
            subject_kind="",
            domain=None,
            events=(),
            listings=listings.get(r.subject_id, []),
            policy=policy,
        )
        end = retention_end(facts, policy)
        if end is not None and end <= on:
            out[r.index] = end
    return out
