"""Tables of 信用大脑 monitoring: runs, alerts and their history."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import BigInteger, Date, Float, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from xinyong.db import Base, BigIntPK, JSONType, UTCDateTime, utcnow


class MonitorRun(Base):
    """One ``xinyong monitor run``: the day looked at, what it looked at and the high-water marks it reached.

    The next incremental run looks only at subjects whose facts changed past these marks, plus the
    subjects that date-driven signals (licences expiring, commitments falling due) reach on its day.
    """

    __tablename__ = "monitor_run"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    on: Mapped[dt.date] = mapped_column(Date)
    mode: Mapped[str] = mapped_column(String(12))
    policy_hash: Mapped[str] = mapped_column(String(64))
    max_record_id: Mapped[int] = mapped_column(BigInteger, default=0)
    max_record_event_id: Mapped[int] = mapped_column(BigInteger, default=0)
    max_commitment_event_id: Mapped[int] = mapped_column(BigInteger, default=0)
    evaluation_finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)  # latest grades seen
    subjects: Mapped[int] = mapped_column(Integer, default=0)
    opened: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    ended: Mapped[int] = mapped_column(Integer, default=0)
    seconds: Mapped[float] = mapped_column(Float, default=0.0)
    actor: Mapped[str] = mapped_column(String(100))
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Alert(Base):
    """An alert (预警): one signal holding for one subject, deduplicated by (subject, signal, window).

    Whether it is active on a day is derived: from ``opened_on`` until ``holds_until`` (``None``: open-ended)
    unless a later run found the facts no longer support it (``ended_on``). ``status`` is the handling
    (待核实 → 已核实 / 已处置 / 误报), changed by officers and audited.
    """

    __tablename__ = "alert"
    __table_args__ = (
        Index("ix_alert_subject_signal", "subject_id", "signal_id"),
        Index("ix_alert_region", "region_code", "opened_on"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id"))
    signal_id: Mapped[str] = mapped_column(String(64))
    signal_version: Mapped[str] = mapped_column(String(32))
    severity: Mapped[str] = mapped_column(String(8))
    region_code: Mapped[str | None] = mapped_column(String(6))
    industry: Mapped[str | None] = mapped_column(String(64))
    evidence: Mapped[list[str]] = mapped_column(JSONType, default=list)
    summary: Mapped[str] = mapped_column(String(500))
    opened_on: Mapped[dt.date] = mapped_column(Date)
    holds_until: Mapped[dt.date | None] = mapped_column(Date)
    ended_on: Mapped[dt.date | None] = mapped_column(Date)
    last_seen_on: Mapped[dt.date] = mapped_column(Date)
    first_run_id: Mapped[int] = mapped_column(ForeignKey("monitor_run.id"))
    last_run_id: Mapped[int] = mapped_column(ForeignKey("monitor_run.id"))
    reopened: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(8), default="待核实")
    status_note: Mapped[str | None] = mapped_column(String(500))
    status_by: Mapped[str | None] = mapped_column(String(100))
    status_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class AlertRecipient(Base):
    """A department told of an alert (its officers see and handle it)."""

    __tablename__ = "alert_recipient"
    __table_args__ = (Index("ix_alert_recipient_department", "department_id", "alert_id"),)

    alert_id: Mapped[int] = mapped_column(ForeignKey("alert.id"), primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), primary_key=True)


class AlertEvent(Base):
    """A dated step in an alert's life: opened, updated, ended, reopened, status changed."""

    __tablename__ = "alert_event"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alert.id"), index=True)
    kind: Mapped[str] = mapped_column(String(12))
    on: Mapped[dt.date] = mapped_column(Date)
    run_id: Mapped[int | None] = mapped_column(BigInteger)
    detail: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    actor: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Subscription(Base):
    """A subscription to changes about subjects (订阅): a department by jurisdiction, industry or codes; a bank
    by its borrowers' codes only, each delivered only while the borrower's authorisation is in force.
    """

    __tablename__ = "subscription"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"), index=True)
    organisation: Mapped[str | None] = mapped_column(String(200), index=True)
    purpose: Mapped[str | None] = mapped_column(String(64))
    regions: Mapped[list[str]] = mapped_column(JSONType, default=list)
    industries: Mapped[list[str]] = mapped_column(JSONType, default=list)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class SubscriptionSubject(Base):
    """A subject named by code in a subscription."""

    __tablename__ = "subscription_subject"

    subscription_id: Mapped[int] = mapped_column(ForeignKey("subscription.id"), primary_key=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id"), primary_key=True, index=True)


class Campaign(Base):
    """A 专项治理 campaign (诚信缺失突出问题专项治理): its target rule, period, deadline and assigned domains.

    The rule (``rule``: a signal condition plus subject filters, ``schemas.TargetRule``) derives the targets;
    launching freezes them (``CampaignTarget``). Whether it is running or over is derived from its dates.
    """

    __tablename__ = "campaign"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    basis: Mapped[str] = mapped_column(String(500))
    rule: Mapped[dict[str, Any]] = mapped_column(JSONType)
    domains: Mapped[list[str]] = mapped_column(JSONType, default=list)  # department domains assigned
    starts_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date] = mapped_column(Date)
    due_on: Mapped[dt.date] = mapped_column(Date)  # targets not closed by then are overdue
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    launched_on: Mapped[dt.date | None] = mapped_column(Date)
    launched_by: Mapped[str | None] = mapped_column(String(100))
    policy_hash: Mapped[str | None] = mapped_column(String(64))  # policy in force when the list was frozen


class CampaignTarget(Base):
    """A subject on a campaign's list, frozen at launch (with the evidence the rule found then)."""

    __tablename__ = "campaign_target"
    __table_args__ = (UniqueConstraint("campaign_id", "subject_id"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"), index=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id"))
    region_code: Mapped[str | None] = mapped_column(String(6))
    evidence: Mapped[list[str]] = mapped_column(JSONType, default=list)


class CampaignTask(Base):
    """A target's handling by one assigned department: 待处置 → 整改中 → 已整改 / 无法整改 (with a note)."""

    __tablename__ = "campaign_task"
    __table_args__ = (
        UniqueConstraint("target_id", "department_id"),
        Index("ix_campaign_task_department", "campaign_id", "department_id"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"))
    target_id: Mapped[int] = mapped_column(ForeignKey("campaign_target.id"), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"))
    status: Mapped[str] = mapped_column(String(8), default="待处置")
    note: Mapped[str | None] = mapped_column(String(500))
    updated_by: Mapped[str | None] = mapped_column(String(100))
    updated_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
