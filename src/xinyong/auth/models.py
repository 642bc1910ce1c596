"""Tables for accounts and API keys."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column

from xinyong.db import Base, BigIntPK, JSONType, UTCDateTime, utcnow


class Account(Base):
    """A person's account (argon2 password hash) with its role and scope."""

    __tablename__ = "account"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(200))
    subject_id: Mapped[int | None] = mapped_column(ForeignKey("subject.id"))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    region_code: Mapped[str | None] = mapped_column(String(6))
    organisation: Mapped[str | None] = mapped_column(String(100))
    # the registered institution (policy/institutions.yaml) a bank user works for; consents name it
    institution_code: Mapped[str | None] = mapped_column(String(32))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    # web sessions carry the epoch they started in; signing out moves it on, ending them all on the server
    session_epoch: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class ApiKey(Base):
    """An API key of a system (department system, bank); only its SHA-256 is stored."""

    __tablename__ = "api_key"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(16))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    subject_id: Mapped[int | None] = mapped_column(ForeignKey("subject.id"))
    organisation: Mapped[str | None] = mapped_column(String(100))
    institution_code: Mapped[str | None] = mapped_column(String(32))
    region_code: Mapped[str | None] = mapped_column(String(6))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class Authorisation(Base):
    """A subject's authorisation (授权书) for a registered institution to read its non-public information.

    Valid from ``valid_from`` to ``valid_to`` (inclusive) unless revoked or invalid; the institution is
    named by its code in ``policy/institutions.yaml`` (bank users and keys carry the same code), and the
    grant covers only ``sections`` of the file and the score when ``score`` is set. Rows from before
    consents named institutions keep the free text in ``grantee_organisation``; those whose name matched
    no registered institution carry ``invalid_reason`` and give nobody anything.
    """

    __tablename__ = "authorisation"
    __table_args__ = (Index("ix_authorisation_subject_grantee", "subject_id", "grantee_organisation"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id"))
    grantee_organisation: Mapped[str] = mapped_column(String(100))
    grantee_code: Mapped[str | None] = mapped_column(String(32), index=True)
    sections: Mapped[list[str] | None] = mapped_column(JSONType, default=list)
    score: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())
    invalid_reason: Mapped[str | None] = mapped_column(String(200))
    purpose: Mapped[str] = mapped_column(String(200))
    valid_from: Mapped[dt.date] = mapped_column(Date)
    valid_to: Mapped[dt.date] = mapped_column(Date)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    revoked_by: Mapped[str | None] = mapped_column(String(100))


class QueryLog(Base):
    """One read of a subject's non-public information (查询记录), kept at least 10 years."""

    __tablename__ = "query_log"
    __table_args__ = (Index("ix_query_log_subject_at", "subject_id", "occurred_at"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    occurred_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(16))
    organisation: Mapped[str | None] = mapped_column(String(100))
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id"))
    what: Mapped[str] = mapped_column(String(100))
    purpose: Mapped[str] = mapped_column(String(200))
    basis: Mapped[str] = mapped_column(String(32))
    basis_ref: Mapped[str | None] = mapped_column(String(64))
    items: Mapped[int] = mapped_column(Integer, default=0)
    keep_until: Mapped[dt.date] = mapped_column(Date, index=True)
