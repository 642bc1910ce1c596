"""Subscriptions and the change feed (订阅与变更推送): what changed about the subjects a caller follows.

The feed is derived from the source tables, never copied: new record versions, record status events and
alert steps, each past the caller's cursor. A cursor is three high-water marks (``r-e-a``), so a reader
resumes exactly where it stopped. Nothing is delivered that the subscriber may not see: a department reads
for the duty its subscription names (``Audience.DEPARTMENT``, its county only), a bank only subjects it
named whose authorisation is in force that day (``Audience.AUTHORISED_PARTY``); alerts go to departments
told of them. Every subject whose non-public facts are handed out gets a query-log entry (谁查询了我).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from xinyong.auth import consent
from xinyong.auth.access import Grant, ReadAccess, access_policy, in_scope, read_access
from xinyong.auth.principal import Principal, Role
from xinyong.errors import Forbidden, Invalid
from xinyong.monitoring.models import (
    Alert,
    AlertEvent,
    AlertRecipient,
    Subscription,
    SubscriptionSubject,
)
from xinyong.policy.loader import Policy
from xinyong.records import service as records_service
from xinyong.records.models import CreditRecord, RecordEvent
from xinyong.rules.disclosure import Audience
from xinyong.subjects.models import Subject
from xinyong.subjects.service import find_by_code

CURSOR = re.compile(r"^(\d{1,18})-(\d{1,18})-(\d{1,18})$")
MAX_CODES = 5000


@dataclass(frozen=True)
class Cursor:
    """High-water marks of the three change sources."""

    record: int = 0
    event: int = 0
    alert: int = 0

    def __str__(self) -> str:
        return f"{self.record}-{self.event}-{self.alert}"

    @classmethod
    def parse(cls, text: str | None) -> Cursor:
        """Read a cursor (``None``: from the beginning); refuse a malformed one."""
        if not text:
            return cls()
        m = CURSOR.match(text)
        if m is None:
            raise Invalid(
                "游标格式应为 数字-数字-数字（上一次返回的 next_cursor）", code="changes.bad_cursor"
            )
        return cls(int(m[1]), int(m[2]), int(m[3]))


@dataclass(frozen=True)
class Change:
    """One change about a followed subject."""

    kind: str  # record | record_event | alert
    subject_id: int
    on: dt.date | None
    ref: int
    title: str


def subscribe(
    session: Session,
    policy: Policy,
    keys: object,
    principal: Principal,
    *,
    regions: list[str],
    industries: list[str],
    codes: list[str],
    purpose: str | None,
    on: dt.date,
) -> Subscription:
    """Create a subscription for the caller's department, or for its bank over consenting borrowers."""
    if len(codes) > MAX_CODES:
        raise Invalid(f"一次最多订阅 {MAX_CODES} 个主体", code="subscription.too_many")
    subjects: list[Subject] = []
    for code in codes:
        subject = find_by_code(session, keys, code)  # type: ignore[arg-type]
        if subject is None:
            raise Invalid(f"未找到主体 {code}", code="subscription.unknown_subject")
        subjects.append(subject)
    if principal.role == Role.BANK:
        if regions or industries or not subjects:
            raise Invalid("金融机构只能按借款主体代码订阅", code="subscription.bank_codes_only")
        for s in subjects:
            if consent.valid_for(session, s.id, principal.institution_code, on) is None:
                raise Forbidden(f"主体 {s.name} 未授权贵机构查询，不能订阅", code="subscription.no_consent")
        row = Subscription(organisation=principal.organisation, created_by=principal.actor)
    elif principal.role in (Role.OFFICER, Role.SYSTEM) and principal.department_id is not None:
        scenario = access_policy(policy).scenario(purpose or "")
        if scenario is None:
            known = "、".join(s.id for s in access_policy(policy).duty_scenarios)
            raise Invalid(f"须注明履职查询情形，可选：{known}", code="subscription.bad_purpose")
        if not (regions or industries or subjects):
            raise Invalid("须按辖区、行业或主体代码至少选择一项", code="subscription.empty")
        row = Subscription(
            department_id=principal.department_id,
            purpose=purpose,
            regions=sorted(set(regions)),
            industries=sorted(set(industries)),
            created_by=principal.actor,
        )
    else:
        raise Forbidden("只有部门和金融机构可以订阅主体变更", code="subscription.forbidden")
    session.add(row)
    session.flush()
    session.add_all(SubscriptionSubject(subscription_id=row.id, subject_id=s.id) for s in subjects)
    session.flush()
    return row


def subscriptions_of(session: Session, principal: Principal) -> list[Subscription]:
    """Return the caller's subscriptions in force."""
    q = select(Subscription).where(Subscription.revoked_at.is_(None))
    if principal.role == Role.BANK:
        q = q.where(Subscription.organisation == principal.organisation)
    elif principal.department_id is not None:
        q = q.where(Subscription.department_id == principal.department_id)
    else:
        return []
    return list(session.scalars(q.order_by(Subscription.id)))


def _followed(session: Session, subs: list[Subscription], subject_ids: set[int]) -> dict[int, Subscription]:
    """Return, of ``subject_ids``, those a subscription covers, with the subscription that covers it."""
    if not subs or not subject_ids:
        return {}
    named: dict[int, set[int]] = defaultdict(set)
    for sub_id, subject_id in session.execute(
        select(SubscriptionSubject.subscription_id, SubscriptionSubject.subject_id).where(
            SubscriptionSubject.subscription_id.in_([s.id for s in subs]),
            SubscriptionSubject.subject_id.in_(subject_ids),
        )
    ):
        named[subject_id].add(sub_id)
    rows = session.execute(
        select(Subject.id, Subject.region_code, Subject.industry).where(Subject.id.in_(subject_ids))
    ).all()
    out: dict[int, Subscription] = {}
    for subject_id, region, industry in rows:
        for sub in subs:
            by_filter = (
                (sub.regions or sub.industries)
                and (not sub.regions or region in sub.regions)
                and (not sub.industries or industry in sub.industries)
            )
            if sub.id in named.get(subject_id, set()) or by_filter:
                out[subject_id] = sub
                break
    return out


def _access(
    session: Session, policy: Policy, principal: Principal, subject: Subject, sub: Subscription, on: dt.date
) -> ReadAccess | None:
    """Return how the subscriber reads this subject today, or ``None`` when it may not."""
    if principal.role == Role.BANK:
        authorisation: Grant | None = consent.grant_for(session, subject.id, principal, on)
        if authorisation is None:
            return None
        purpose = None
    else:
        if not in_scope(principal, subject.region_code, policy.city_region):
            return None
        authorisation, purpose = None, sub.purpose
    return read_access(
        principal,
        subject_id=subject.id,
        subject_region=subject.region_code,
        purpose=purpose,
        authorisation=authorisation,
        policy=access_policy(policy),
        city_region=policy.city_region,
    )


def changes(
    session: Session, policy: Policy, principal: Principal, cursor: Cursor, *, limit: int, on: dt.date
) -> tuple[list[Change], Cursor]:
    """Return the changes past ``cursor`` about subjects the caller follows and may see, and the next cursor."""
    subs = subscriptions_of(session, principal)
    if not subs:
        return [], cursor
    records = session.scalars(
        select(CreditRecord).where(CreditRecord.id > cursor.record).order_by(CreditRecord.id).limit(limit)
    ).all()
    events = session.execute(
        select(RecordEvent, CreditRecord.subject_id)
        .join(CreditRecord, CreditRecord.id == RecordEvent.record_id)
        .where(RecordEvent.id > cursor.event)
        .order_by(RecordEvent.id)
        .limit(limit)
    ).all()
    alert_steps = session.execute(
        select(AlertEvent, Alert)
        .join(Alert, Alert.id == AlertEvent.alert_id)
        .where(AlertEvent.id > cursor.alert, AlertEvent.kind.in_(("opened", "reopened", "ended")))
        .order_by(AlertEvent.id)
        .limit(limit)
    ).all()
    subject_ids = (
        {r.subject_id for r in records} | {sid for _, sid in events} | {a.subject_id for _, a in alert_steps}
    )
    followed = _followed(session, subs, subject_ids)
    subjects = {s.id: s for s in session.scalars(select(Subject).where(Subject.id.in_(followed)))}
    access = {sid: _access(session, policy, principal, subjects[sid], followed[sid], on) for sid in subjects}
    out: list[Change] = []
    out += _record_changes(session, policy, records, access, on)
    out += _event_changes(session, policy, events, access, on)
    if principal.department_id is not None:
        told = set(
            session.scalars(
                select(AlertRecipient.alert_id).where(
                    AlertRecipient.department_id == principal.department_id,
                    AlertRecipient.alert_id.in_([a.id for _, a in alert_steps]),
                )
            )
        )
        out += [
            Change(
                "alert",
                a.subject_id,
                step.on,
                step.id,
                f"预警{ {'ended': '结束'}.get(step.kind, '开出') }：{a.summary}",
            )
            for step, a in alert_steps
            if a.id in told and access.get(a.subject_id) is not None
        ]
    _log(session, policy, principal, out, access, on)
    nxt = Cursor(
        records[-1].id if records else cursor.record,
        events[-1][0].id if events else cursor.event,
        alert_steps[-1][0].id if alert_steps else cursor.alert,
    )
    return out, nxt


def _record_changes(
    session: Session,
    policy: Policy,
    records: Sequence[CreditRecord],
    access: dict[int, ReadAccess | None],
    on: dt.date,
) -> list[Change]:
    out = []
    by_audience: dict[Audience, list[CreditRecord]] = defaultdict(list)
    for r in records:
        acc = access.get(r.subject_id)
        if acc is not None:
            by_audience[acc.audience].append(r)
    for audience, rows in by_audience.items():
        for v in records_service.decide_records(session, rows, audience, on, policy):
            if v.disclosure.shown:
                item = policy.catalog.get(v.record.catalog_item)
                name = item.name if item else v.record.catalog_item
                out.append(
                    Change(
                        "record",
                        v.record.subject_id,
                        v.record.decision_on,
                        v.record.id,
                        f"新增{name}：{v.record.document_no or ''}",
                    )
                )
    return out


def _event_changes(
    session: Session,
    policy: Policy,
    events: Sequence[Row[RecordEvent, int]],
    access: dict[int, ReadAccess | None],
    on: dt.date,
) -> list[Change]:
    from xinyong.monitoring.timeline import EVENT_LABELS

    wanted = [(e, sid) for e, sid in events if access.get(sid) is not None]
    if not wanted:
        return []
    records = session.scalars(
        select(CreditRecord).where(CreditRecord.id.in_({e.record_id for e, _ in wanted}))
    ).all()
    shown: set[int] = set()
    for r in records:
        acc = access[r.subject_id]
        assert acc is not None  # noqa: S101 - filtered above
        if records_service.decide_records(session, [r], acc.audience, on, policy)[0].disclosure.shown:
            shown.add(r.id)
    return [
        Change("record_event", sid, e.effective_on, e.id, EVENT_LABELS.get(e.kind, "记录状态变更"))
        for e, sid in wanted
        if e.record_id in shown
    ]


def _log(
    session: Session,
    policy: Policy,
    principal: Principal,
    out: list[Change],
    access: dict[int, ReadAccess | None],
    on: dt.date,
) -> None:
    counts: dict[int, int] = defaultdict(int)
    for c in out:
        counts[c.subject_id] += 1
    for subject_id, n in sorted(counts.items()):
        acc = access.get(subject_id)
        if acc is not None:
            consent.log_read(
                session,
                principal,
                subject_id=subject_id,
                access=acc,
                what="changes",
                items=n,
                policy=policy,
                on=on,
            )
