"""信用大脑 (2): the grade mark of monitor runs; 专项治理 campaigns, their frozen targets and handling

Revision ID: 0016_monitor2
Revises: 0014_secaccess
Create Date: 2026-12-07 14:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

import xinyong.db

revision = "0016_monitor2"
down_revision = "0015_finance"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.INTEGER(), "sqlite")
JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("monitor_run") as batch:
        batch.add_column(
            sa.Column("evaluation_finished_at", xinyong.db.UTCDateTime(timezone=True), nullable=True)
        )
    op.create_table(
        "campaign",
        sa.Column("id", ID, nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("basis", sa.String(length=500), nullable=False),
        sa.Column("rule", JSON, nullable=False),
        sa.Column("domains", JSON, nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", xinyong.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("launched_on", sa.Date(), nullable=True),
        sa.Column("launched_by", sa.String(length=100), nullable=True),
        sa.Column("policy_hash", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaign")),
    )
    op.create_table(
        "campaign_target",
        sa.Column("id", ID, nullable=False),
        sa.Column("campaign_id", ID, nullable=False),
        sa.Column("subject_id", ID, nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=True),
        sa.Column("evidence", JSON, nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"], ["campaign.id"], name=op.f("fk_campaign_target_campaign_id_campaign")
        ),
        sa.ForeignKeyConstraint(
            ["subject_id"], ["subject.id"], name=op.f("fk_campaign_target_subject_id_subject")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaign_target")),
        sa.UniqueConstraint(
            "campaign_id", "subject_id", name=op.f("uq_campaign_target_campaign_id_subject_id")
        ),
    )
    with op.batch_alter_table("campaign_target", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_campaign_target_campaign_id"), ["campaign_id"], unique=False)
    op.create_table(
        "campaign_task",
        sa.Column("id", ID, nullable=False),
        sa.Column("campaign_id", ID, nullable=False),
        sa.Column("target_id", ID, nullable=False),
        sa.Column("department_id", ID, nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("updated_by", sa.String(length=100), nullable=True),
        sa.Column("updated_at", xinyong.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["campaign_id"], ["campaign.id"], name=op.f("fk_campaign_task_campaign_id_campaign")
        ),
        sa.ForeignKeyConstraint(
            ["department_id"], ["department.id"], name=op.f("fk_campaign_task_department_id_department")
        ),
        sa.ForeignKeyConstraint(
            ["target_id"], ["campaign_target.id"], name=op.f("fk_campaign_task_target_id_campaign_target")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaign_task")),
        sa.UniqueConstraint(
            "target_id", "department_id", name=op.f("uq_campaign_task_target_id_department_id")
        ),
    )
    with op.batch_alter_table("campaign_task", schema=None) as batch_op:
        batch_op.create_index("ix_campaign_task_department", ["campaign_id", "department_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_campaign_task_target_id"), ["target_id"], unique=False)


def downgrade() -> None:
    op.drop_table("campaign_task")
    op.drop_table("campaign_target")
    op.drop_table("campaign")
    with op.batch_alter_table("monitor_run") as batch:
        batch.drop_column("evaluation_finished_at")
