"""Policy impact simulation: the stored simulation runs

Revision ID: 0018_simulate
Revises: 0017_timetravel
Create Date: 2026-12-07 17:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

import xinyong.db

revision = "0018_simulate"
down_revision = "0017_timetravel"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.INTEGER(), "sqlite")
JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "policy_simulation",
        sa.Column("id", ID, nullable=False),
        sa.Column("proposal_id", sa.String(length=64), nullable=False),
        sa.Column("proposal_name", sa.String(length=200), nullable=False),
        sa.Column("current_hash", sa.String(length=64), nullable=False),
        sa.Column("proposed_hash", sa.String(length=64), nullable=False),
        sa.Column("on", sa.Date(), nullable=False),
        sa.Column("result", JSON, nullable=False),
        sa.Column("seconds", sa.Float(), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("created_at", xinyong.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_policy_simulation")),
    )


def downgrade() -> None:
    op.drop_table("policy_simulation")
