"""narrow repair notices (a shared body per distinct wording, text rendered when viewed); partial supersedes index

Revision ID: 0009_narrow_notices
Revises: 0008_evaluation_rescore
Create Date: 2026-11-26 10:30:08.181545
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

import xinyong.db

revision = "0009_narrow_notices"
down_revision = "0008_evaluation_rescore"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "repair_notice_body",
        sa.Column("id", sa.BigInteger().with_variant(sa.INTEGER(), "sqlite"), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=50), nullable=False),
        sa.Column("department", sa.String(length=200), nullable=False),
        sa.Column("decision_on", sa.String(length=32), nullable=False),
        sa.Column("mode_label", sa.String(length=50), nullable=False),
        sa.Column(
            "paragraphs",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "materials",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("policy_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", xinyong.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_repair_notice_body")),
        sa.UniqueConstraint("sha256", name=op.f("uq_repair_notice_body_sha256")),
    )
    with op.batch_alter_table("repair_notice", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("body_id", sa.BigInteger().with_variant(sa.INTEGER(), "sqlite"), nullable=True)
        )
        batch_op.add_column(sa.Column("subject_name", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("document_no", sa.String(length=200), nullable=True))
        batch_op.alter_column("text", existing_type=sa.TEXT(), nullable=True)
        batch_op.alter_column("html", existing_type=sa.TEXT(), nullable=True)
        batch_op.alter_column("sha256", existing_type=sa.VARCHAR(length=64), nullable=True)
        # notices are read by record only: the batch and subject indexes cost every insert and serve no query
        batch_op.drop_index(batch_op.f("ix_repair_notice_batch_id"))
        batch_op.drop_index(batch_op.f("ix_repair_notice_subject_id"))
        batch_op.create_foreign_key(
            batch_op.f("fk_repair_notice_body_id_repair_notice_body"),
            "repair_notice_body",
            ["body_id"],
            ["id"],
        )

    # corrections only: a partial index that new records (supersedes_id NULL) do not touch
    op.drop_index("ix_credit_record_supersedes_id", table_name="credit_record")
    op.create_index(
        "ix_credit_record_supersedes_id",
        "credit_record",
        ["supersedes_id"],
        unique=False,
        sqlite_where=sa.text("supersedes_id IS NOT NULL"),
        postgresql_where=sa.text("supersedes_id IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_credit_record_supersedes_id", table_name="credit_record")
    op.create_index("ix_credit_record_supersedes_id", "credit_record", ["supersedes_id"], unique=False)
    # narrow notices have no stored text; `xinyong repair notices` issues them again after the downgrade
    op.execute("DELETE FROM repair_notice WHERE text IS NULL")
    with op.batch_alter_table("repair_notice", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_repair_notice_body_id_repair_notice_body"), type_="foreignkey"
        )
        batch_op.create_index(batch_op.f("ix_repair_notice_batch_id"), ["batch_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_repair_notice_subject_id"), ["subject_id"], unique=False)
        batch_op.alter_column("sha256", existing_type=sa.VARCHAR(length=64), nullable=False)
        batch_op.alter_column("html", existing_type=sa.TEXT(), nullable=False)
        batch_op.alter_column("text", existing_type=sa.TEXT(), nullable=False)
        batch_op.drop_column("document_no")
        batch_op.drop_column("subject_name")
        batch_op.drop_column("body_id")

    op.drop_table("repair_notice_body")
