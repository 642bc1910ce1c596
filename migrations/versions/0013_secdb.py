"""audit chain keyed: the id of each entry's HMAC key (NULL marks the unkeyed epoch written before)

Revision ID: 0013_secdb
Revises: 0012_registers
Create Date: 2026-12-07 06:55:00

Existing entries keep their SHA-256 hashes and stay verifiable as the unkeyed epoch; the first entry
appended under a key is an ``audit.epoch`` marker that chains to their head (history is not rewritten).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013_secdb"
down_revision = "0012_registers"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("audit_event") as batch:
        batch.add_column(sa.Column("key_id", sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("audit_event") as batch:
        batch.drop_column("key_id")
