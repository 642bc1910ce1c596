"""Time travel (issue 22): stored answers keep their transaction-time cut-off; policy trees kept per hash

Record versions and status events already carry their transaction time (``credit_record.first_received_at``,
the delivering batch's ``received_at``; ``record_event.created_at``), and neither is ever updated, so the
end of a version's transaction time is derived from its successor (see ``docs/timetravel.md``). What a
stored answer lacked is the instant it was answered with: ``known_at`` on checks, evaluation runs and
reports, backfilled from the instant each was made (a check's ``created_at``, a run's ``started_at``, a
report's ``issued_at``) — exactly what the platform knew then. ``policy_snapshot`` keeps the ``policy/``
tree of every hash a stored answer names.

Revision ID: 0017_timetravel
Revises: 0016_monitor2
Create Date: 2026-12-07 16:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import xinyong.db

revision = "0017_timetravel"
down_revision = "0016_monitor2"
branch_labels = None
depends_on = None

_STAMPED = (("check_log", "created_at"), ("evaluation_run", "started_at"), ("credit_report", "issued_at"))


def upgrade() -> None:
    for table, source in _STAMPED:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("known_at", xinyong.db.UTCDateTime(timezone=True), nullable=True))
        op.execute(sa.text(f"UPDATE {table} SET known_at = {source} WHERE known_at IS NULL"))  # noqa: S608 - constants
    op.create_table(
        "policy_snapshot",
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("files", sa.LargeBinary(), nullable=False),
        sa.Column("file_count", sa.Integer(), nullable=False),
        sa.Column("stored_at", xinyong.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("hash", name=op.f("pk_policy_snapshot")),
    )


def downgrade() -> None:
    op.drop_table("policy_snapshot")
    for table, _source in reversed(_STAMPED):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("known_at")
