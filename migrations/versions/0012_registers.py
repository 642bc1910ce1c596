"""registers from policy (department history, register entries and versions); archived ingest rows

Revision ID: 0012_registers
Revises: 0011_reports
Create Date: 2026-12-07 06:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

import xinyong.db

revision = "0012_registers"
down_revision = "0011_reports"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.INTEGER(), "sqlite")
_JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("department", schema=None) as batch_op:
        batch_op.add_column(sa.Column("valid_from", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("valid_to", sa.Date(), nullable=True))
    op.create_table(
        "department_version",
        sa.Column("id", _ID, nullable=False),
        sa.Column("department_id", _ID, nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("short_name", sa.String(length=32), nullable=True),
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("uscc", sa.String(length=18), nullable=True),
        sa.Column("domain", sa.String(length=32), nullable=True),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("policy_version", sa.String(length=32), nullable=False),
        sa.Column("policy_hash", sa.String(length=64), nullable=False),
        sa.Column("recorded_at", xinyong.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["department_id"], ["department.id"], name=op.f("fk_department_version_department_id_department")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_department_version")),
    )
    op.create_index(
        op.f("ix_department_version_department_id"), "department_version", ["department_id"], unique=False
    )
    op.create_table(
        "register_entry",
        sa.Column("id", _ID, nullable=False),
        sa.Column("register", sa.String(length=32), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("data", _JSON, nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("updated_at", xinyong.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_register_entry")),
        sa.UniqueConstraint("register", "code", name=op.f("uq_register_entry_register_code")),
    )
    op.create_table(
        "register_version",
        sa.Column("id", _ID, nullable=False),
        sa.Column("register", sa.String(length=32), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("data", _JSON, nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("policy_version", sa.String(length=32), nullable=False),
        sa.Column("policy_hash", sa.String(length=64), nullable=False),
        sa.Column("recorded_at", xinyong.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_register_version")),
    )
    op.create_index("ix_register_version_entry", "register_version", ["register", "code"], unique=False)
    # rows already past the retention period when received: counted, archived, not credit records
    for table in ("ingest_batch", "ingest_batch_stat"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("archived", sa.Integer(), nullable=False, server_default="0"))
    op.create_table(
        "ingest_archived_row",
        sa.Column("id", _ID, nullable=False),
        sa.Column("batch_id", _ID, nullable=False),
        sa.Column("department_id", _ID, nullable=True),
        sa.Column("subject_id", _ID, nullable=True),
        sa.Column("line_no", sa.Integer(), nullable=True),
        sa.Column("catalog_item", sa.String(length=32), nullable=False),
        sa.Column("document_no", sa.String(length=200), nullable=True),
        sa.Column("decision_on", sa.Date(), nullable=True),
        sa.Column("retention_end", sa.Date(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("payload_enc", sa.LargeBinary(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("message", sa.String(length=500), nullable=False),
        sa.Column("received_at", xinyong.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"], ["ingest_batch.id"], name=op.f("fk_ingest_archived_row_batch_id_ingest_batch")
        ),
        sa.ForeignKeyConstraint(
            ["department_id"], ["department.id"], name=op.f("fk_ingest_archived_row_department_id_department")
        ),
        sa.ForeignKeyConstraint(
            ["subject_id"], ["subject.id"], name=op.f("fk_ingest_archived_row_subject_id_subject")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ingest_archived_row")),
    )
    op.create_index(
        "ix_ingest_archived_row_batch", "ingest_archived_row", ["batch_id", "line_no"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_ingest_archived_row_batch", table_name="ingest_archived_row")
    op.drop_table("ingest_archived_row")
    for table in ("ingest_batch_stat", "ingest_batch"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("archived")
    op.drop_index("ix_register_version_entry", table_name="register_version")
    op.drop_table("register_version")
    op.drop_table("register_entry")
    op.drop_index(op.f("ix_department_version_department_id"), table_name="department_version")
    op.drop_table("department_version")
    with op.batch_alter_table("department", schema=None) as batch_op:
        batch_op.drop_column("valid_to")
        batch_op.drop_column("valid_from")
