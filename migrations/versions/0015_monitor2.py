"""信用大脑 (2): the grade mark of monitor runs; 专项治理 campaigns, their frozen targets and handling

Revision ID: 0015_monitor2
Revises: 0014_secaccess
Create Date: 2026-12-07 14:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015_monitor2"
down_revision = "0014_secaccess"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("monitor_run") as batch:
        batch.add_column(sa.Column("evaluation_finished_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("monitor_run") as batch:
        batch.drop_column("evaluation_finished_at")
