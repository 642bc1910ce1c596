"""Tables of 信易+: a person's consented, time-limited tokens for a scene, and providers' usage reports."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from xinyong.db import Base, BigIntPK, UTCDateTime, utcnow


class SceneToken(Base):
    """A person's consent that one scene's provider may learn, until ``expires_at``, whether it qualifies.

    Only the SHA-256 of the token is stored; the person hands the token to the provider.
    """

    __tablename__ = "scene_token"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id"), index=True)
    scene_id: Mapped[str] = mapped_column(String(32))
    provider_code: Mapped[str] = mapped_column(String(32))
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class SceneUsage(Base):
    """A benefit a provider gave a subject in a scene (reported by the provider)."""

    __tablename__ = "scene_usage"
    __table_args__ = (Index("ix_scene_usage_scene_on", "scene_id", "used_on"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    scene_id: Mapped[str] = mapped_column(String(32))
    provider_code: Mapped[str] = mapped_column(String(32))
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id"), index=True)
    benefit: Mapped[str] = mapped_column(String(200))
    value_yuan: Mapped[int | None] = mapped_column(BigInteger)
    used_on: Mapped[dt.date] = mapped_column(Date)
    reported_by: Mapped[str] = mapped_column(String(100))
    reported_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
