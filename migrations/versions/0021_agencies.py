"""信用服务机构 registry (filing, practitioners, filed reports); 职业人群 licences; 公务员 posts and headcounts

Revision ID: 0021_agencies
Revises: 0020_rural2
Create Date: 2026-12-07 17:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

import xinyong.db

revision = "0021_agencies"
down_revision = "0020_rural2"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.INTEGER(), "sqlite")
JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql")
AT = xinyong.db.UTCDateTime(timezone=True)


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"))


def _agencies() -> None:
    op.create_table(
        "credit_agency",
        sa.Column("id", ID, nullable=False),
        sa.Column("subject_id", ID, nullable=False),
        sa.Column("filing_no", sa.String(length=64), nullable=False),
        sa.Column("filed_on", sa.Date(), nullable=False),
        sa.Column("filing_authority", sa.String(length=32), nullable=False),
        sa.Column("business_scopes", JSON, nullable=False),
        sa.Column("cancelled_on", sa.Date(), nullable=True),
        sa.Column("cancel_reason", sa.String(length=200), nullable=True),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", AT, nullable=False),
        _fk("credit_agency", "subject_id", "subject"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credit_agency")),
        sa.UniqueConstraint("filing_no", name=op.f("uq_credit_agency_filing_no")),
        sa.UniqueConstraint("subject_id", name=op.f("uq_credit_agency_subject_id")),
    )
    op.create_table(
        "agency_practitioner",
        sa.Column("id", ID, nullable=False),
        sa.Column("agency_id", ID, nullable=False),
        sa.Column("person_id", ID, nullable=False),
        sa.Column("qualification", sa.String(length=32), nullable=False),
        sa.Column("certificate_no", sa.String(length=64), nullable=True),
        sa.Column("joined_on", sa.Date(), nullable=False),
        sa.Column("left_on", sa.Date(), nullable=True),
        sa.Column("created_at", AT, nullable=False),
        _fk("agency_practitioner", "agency_id", "credit_agency"),
        _fk("agency_practitioner", "person_id", "subject"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agency_practitioner")),
        sa.UniqueConstraint(
            "agency_id",
            "person_id",
            "joined_on",
            name=op.f("uq_agency_practitioner_agency_id_person_id_joined_on"),
        ),
    )
    for column in ("agency_id", "person_id"):
        op.create_index(op.f(f"ix_agency_practitioner_{column}"), "agency_practitioner", [column])
    op.create_table(
        "agency_report",
        sa.Column("id", ID, nullable=False),
        sa.Column("agency_id", ID, nullable=False),
        sa.Column("subject_id", ID, nullable=False),
        sa.Column("record_id", ID, nullable=False),
        sa.Column("report_no", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("purpose", sa.String(length=32), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("filed_by", sa.String(length=100), nullable=False),
        sa.Column("filed_at", AT, nullable=False),
        _fk("agency_report", "agency_id", "credit_agency"),
        _fk("agency_report", "subject_id", "subject"),
        _fk("agency_report", "record_id", "credit_record"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agency_report")),
        sa.UniqueConstraint("agency_id", "report_no", name=op.f("uq_agency_report_agency_id_report_no")),
    )
    for column in ("agency_id", "subject_id"):
        op.create_index(op.f(f"ix_agency_report_{column}"), "agency_report", [column])


def _professions() -> None:
    op.create_table(
        "professional_licence",
        sa.Column("id", ID, nullable=False),
        sa.Column("person_id", ID, nullable=False),
        sa.Column("profession", sa.String(length=32), nullable=False),
        sa.Column("licence_no", sa.String(length=64), nullable=False),
        sa.Column("issuing_department", sa.String(length=100), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", AT, nullable=False),
        _fk("professional_licence", "person_id", "subject"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_professional_licence")),
        sa.UniqueConstraint(
            "profession", "licence_no", name=op.f("uq_professional_licence_profession_licence_no")
        ),
    )
    op.create_index(op.f("ix_professional_licence_person_id"), "professional_licence", ["person_id"])
    op.create_table(
        "civil_servant",
        sa.Column("id", ID, nullable=False),
        sa.Column("person_id", ID, nullable=False),
        sa.Column("body_id", ID, nullable=False),
        sa.Column("position", sa.String(length=100), nullable=False),
        sa.Column("appointed_on", sa.Date(), nullable=False),
        sa.Column("left_on", sa.Date(), nullable=True),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", AT, nullable=False),
        _fk("civil_servant", "person_id", "subject"),
        _fk("civil_servant", "body_id", "subject"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_civil_servant")),
        sa.UniqueConstraint(
            "person_id",
            "body_id",
            "appointed_on",
            name=op.f("uq_civil_servant_person_id_body_id_appointed_on"),
        ),
    )
    for column in ("person_id", "body_id"):
        op.create_index(op.f(f"ix_civil_servant_{column}"), "civil_servant", [column])
    op.create_table(
        "body_headcount",
        sa.Column("id", ID, nullable=False),
        sa.Column("body_id", ID, nullable=False),
        sa.Column("headcount", sa.Integer(), nullable=False),
        sa.Column("reported_on", sa.Date(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", AT, nullable=False),
        _fk("body_headcount", "body_id", "subject"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_body_headcount")),
        sa.UniqueConstraint("body_id", "reported_on", name=op.f("uq_body_headcount_body_id_reported_on")),
    )
    op.create_index(op.f("ix_body_headcount_body_id"), "body_headcount", ["body_id"])


def upgrade() -> None:
    _agencies()
    _professions()


def downgrade() -> None:
    for table in (
        "body_headcount",
        "civil_servant",
        "professional_licence",
        "agency_report",
        "agency_practitioner",
        "credit_agency",
    ):
        op.drop_table(table)
