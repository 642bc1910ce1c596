"""Indices: runs, per-unit results, per-indicator values with their facts, imported figures

Revision ID: 0019_indices
Revises: 0018_simulate
Create Date: 2026-12-07 16:33:01.980985
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

import xinyong.db

revision = "0019_indices"
down_revision = "0018_simulate"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "index_import",
        sa.Column("id", sa.BigInteger().with_variant(sa.INTEGER(), "sqlite"), nullable=False),
        sa.Column("batch_no", sa.String(length=32), nullable=False),
        sa.Column("index_id", sa.String(length=48), nullable=False),
        sa.Column("period", sa.String(length=8), nullable=False),
        sa.Column("unit_key", sa.String(length=64), nullable=False),
        sa.Column("indicator", sa.String(length=48), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=False),
        sa.Column("file_name", sa.String(length=200), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("imported_at", xinyong.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_index_import")),
    )
    with op.batch_alter_table("index_import", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_index_import_batch_no"), ["batch_no"], unique=False)
        batch_op.create_index("ix_index_import_lookup", ["index_id", "period"], unique=False)

    op.create_table(
        "index_run",
        sa.Column("id", sa.BigInteger().with_variant(sa.INTEGER(), "sqlite"), nullable=False),
        sa.Column("run_no", sa.String(length=32), nullable=False),
        sa.Column("period", sa.String(length=8), nullable=False),
        sa.Column("policy_hash", sa.String(length=64), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("units", sa.Integer(), nullable=False),
        sa.Column("seconds", sa.Float(), nullable=False),
        sa.Column("started_at", xinyong.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_index_run")),
        sa.UniqueConstraint("run_no", name=op.f("uq_index_run_run_no")),
    )
    op.create_table(
        "index_result",
        sa.Column("id", sa.BigInteger().with_variant(sa.INTEGER(), "sqlite"), nullable=False),
        sa.Column("run_id", sa.BigInteger().with_variant(sa.INTEGER(), "sqlite"), nullable=False),
        sa.Column("index_id", sa.String(length=48), nullable=False),
        sa.Column("index_version", sa.String(length=32), nullable=False),
        sa.Column("period", sa.String(length=8), nullable=False),
        sa.Column("unit_kind", sa.String(length=16), nullable=False),
        sa.Column("unit_key", sa.String(length=64), nullable=False),
        sa.Column("unit_name", sa.String(length=200), nullable=False),
        sa.Column("county", sa.String(length=6), nullable=True),
        sa.Column("total", sa.Float(), nullable=False),
        sa.Column("grade", sa.String(length=16), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["run_id"], ["index_run.id"], name=op.f("fk_index_result_run_id_index_run")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_index_result")),
    )
    with op.batch_alter_table("index_result", schema=None) as batch_op:
        batch_op.create_index(
            "ix_index_result_lookup", ["index_id", "period", "unit_kind", "run_id"], unique=False
        )

    op.create_table(
        "index_value",
        sa.Column("id", sa.BigInteger().with_variant(sa.INTEGER(), "sqlite"), nullable=False),
        sa.Column("result_id", sa.BigInteger().with_variant(sa.INTEGER(), "sqlite"), nullable=False),
        sa.Column("code", sa.String(length=48), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("points", sa.Float(), nullable=False),
        sa.Column("origin", sa.String(length=8), nullable=False),
        sa.Column(
            "evidence",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["result_id"], ["index_result.id"], name=op.f("fk_index_value_result_id_index_result")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_index_value")),
    )
    with op.batch_alter_table("index_value", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_index_value_result_id"), ["result_id"], unique=False)



def downgrade() -> None:
    with op.batch_alter_table("index_value", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_index_value_result_id"))

    op.drop_table("index_value")
    with op.batch_alter_table("index_result", schema=None) as batch_op:
        batch_op.drop_index("ix_index_result_lookup")

    op.drop_table("index_result")
    op.drop_table("index_run")
    with op.batch_alter_table("index_import", schema=None) as batch_op:
        batch_op.drop_index("ix_index_import_lookup")
        batch_op.drop_index(batch_op.f("ix_index_import_batch_no"))

    op.drop_table("index_import")
