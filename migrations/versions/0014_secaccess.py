"""account.session_epoch: signing out ends the account's web sessions on the server

Revision ID: 0014_secaccess
Revises: 0013_secdb
Create Date: 2026-12-07 07:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014_secaccess"
down_revision = "0013_secdb"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("account") as batch:
        batch.add_column(sa.Column("session_epoch", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("account") as batch:
        batch.drop_column("session_epoch")
