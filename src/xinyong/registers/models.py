"""Tables of the registers kept from ``policy/``: one row per entry, one version row per change."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Date, Index, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from xinyong.db import Base, BigIntPK, JSONType, UTCDateTime, utcnow


class RegisterEntry(Base):
    """An entry of a register (``region``, ``source`` …) as the policy states it now.

    Entries are never deleted: one that leaves the policy gets ``valid_to`` (the last day it was in
    force), so anything that refers to it (a subject's region, a batch's source) still finds it.
    """

    __tablename__ = "register_entry"
    __table_args__ = (UniqueConstraint("register", "code"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    register: Mapped[str] = mapped_column(String(32))
    code: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    data: Mapped[dict[str, Any]] = mapped_column(JSONType)
    valid_from: Mapped[dt.date | None] = mapped_column(Date)  # None: in force before the register began
    valid_to: Mapped[dt.date | None] = mapped_column(Date)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class RegisterVersion(Base):
    """One stretch of an entry's particulars, with the policy version that stated them."""

    __tablename__ = "register_version"
    __table_args__ = (Index("ix_register_version_entry", "register", "code"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    register: Mapped[str] = mapped_column(String(32))
    code: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    data: Mapped[dict[str, Any]] = mapped_column(JSONType)
    valid_from: Mapped[dt.date | None] = mapped_column(Date)  # None: in force before the register began
    valid_to: Mapped[dt.date | None] = mapped_column(Date)
    policy_version: Mapped[str] = mapped_column(String(32))
    policy_hash: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class PolicySnapshot(Base):
    """The ``policy/`` tree of one content hash, kept so a stored answer naming the hash can be recomputed.

    ``files`` is the zlib-compressed JSON of relative path → base64 bytes (``registers.snapshots``); the
    hash is recomputed from the unpacked files before they are used.
    """

    __tablename__ = "policy_snapshot"

    hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    files: Mapped[bytes] = mapped_column(LargeBinary)
    file_count: Mapped[int] = mapped_column(Integer)
    stored_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
