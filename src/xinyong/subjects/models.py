"""Tables for subjects (信用主体) and their identifiers."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import Date, ForeignKey, Index, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from xinyong.db import Base, BigIntPK, UTCDateTime, utcnow


class SubjectKind(enum.StrEnum):
    """Kinds of credit subject; stored as text so the list can grow without a migration."""

    ENTERPRISE = "企业法人"
    INDIVIDUAL_BUSINESS = "个体工商户"
    SOCIAL_ORGANISATION = "社会组织"
    PUBLIC_INSTITUTION = "事业单位"
    GOVERNMENT = "政府机构"
    NATURAL_PERSON = "自然人"
    VILLAGE_COLLECTIVE = "村集体经济组织"
    HOUSEHOLD = "农户"  # members are natural persons; never public, like them (rules/facts.PERSONAL_KINDS)
    FAMILY_FARM = "家庭农场"  # 新型农业经营主体, registered with a USCC
    FARMERS_COOPERATIVE = "农民专业合作社"  # 新型农业经营主体, registered with a USCC


# Kinds whose credit is their members' (a household's natural persons): no evaluation model scores them;
# the 信用户 rating (policy/rural) rates a household from its members' records.
MEMBER_KINDS = frozenset({SubjectKind.HOUSEHOLD})


class IdentifierScheme(enum.StrEnum):
    """Identifier schemes; personal schemes are stored encrypted with a blind index."""

    USCC = "USCC"  # 统一社会信用代码
    ID_CARD = "ID_CARD"  # 居民身份证
    ORG_CODE = "ORG_CODE"  # 组织机构代码
    REG_NO = "REG_NO"  # 工商注册号
    OTHER = "OTHER"  # 其他证件


PERSONAL_SCHEMES = frozenset({IdentifierScheme.ID_CARD, IdentifierScheme.OTHER})


class Subject(Base):
    """A credit subject: an organisation, an individual business or a natural person."""

    __tablename__ = "subject"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), index=True)
    name: Mapped[str] = mapped_column(String(200))
    name_norm: Mapped[str] = mapped_column(String(200), index=True)
    region_code: Mapped[str | None] = mapped_column(String(6), index=True)
    uscc: Mapped[str | None] = mapped_column(String(18), unique=True)
    industry: Mapped[str | None] = mapped_column(String(64))
    legal_rep: Mapped[str | None] = mapped_column(String(100))
    established_on: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="存续")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    identifiers: Mapped[list[SubjectIdentifier]] = relationship(
        back_populates="subject", cascade="all, delete-orphan"
    )


class SubjectIdentifier(Base):
    """An identifier of a subject.

    ``lookup`` is the normalised value for organisation codes, and a keyed blind index (HMAC) for
    personal numbers, whose value is kept only encrypted in ``value_enc``.
    """

    __tablename__ = "subject_identifier"
    __table_args__ = (
        UniqueConstraint("scheme", "lookup"),
        Index("ix_subject_identifier_subject_id", "subject_id"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id", ondelete="CASCADE"))
    scheme: Mapped[str] = mapped_column(String(16))
    lookup: Mapped[str] = mapped_column(String(64))
    value: Mapped[str | None] = mapped_column(String(64))
    value_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    masked: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    subject: Mapped[Subject] = relationship(back_populates="identifiers")
