"""evaluation runs that re-score one subject after a repair or objection (amending a batch)

Revision ID: 0008_evaluation_rescore
Revises: 0006_sanctions
Create Date: 2026-11-26 07:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

revision = "0008_evaluation_rescore"
down_revision = "0006_sanctions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("evaluation_run", schema=None) as batch_op:
        batch_op.add_column(sa.Column("kind", sa.String(length=16), server_default="batch", nullable=False))
        batch_op.add_column(sa.Column("amends_run_id", sa.BigInteger(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "cause",
                sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
                nullable=True,
            )
        )
        batch_op.create_index("ix_evaluation_run_amends_run_id", ["amends_run_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("evaluation_run", schema=None) as batch_op:
        batch_op.drop_index("ix_evaluation_run_amends_run_id")
        batch_op.drop_column("cause")
        batch_op.drop_column("amends_run_id")
        batch_op.drop_column("kind")
