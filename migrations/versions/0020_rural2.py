"""Rural credit: villages, households and members (by ID blind index), rating runs and results

Revision ID: 0020_rural2
Revises: 0019_indices
Create Date: 2026-12-07 17:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

import xinyong.db

revision = "0020_rural2"
down_revision = "0019_indices"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.INTEGER(), "sqlite")
JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql")
AT = xinyong.db.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "rural_village",
        sa.Column("subject_id", ID, nullable=False),
        sa.Column("township", sa.String(length=64), nullable=False),
        sa.Column("unit_kind", sa.String(length=16), nullable=False),
        sa.Column("created_at", AT, nullable=False),
        sa.ForeignKeyConstraint(
            ["subject_id"], ["subject.id"], name=op.f("fk_rural_village_subject_id_subject")
        ),
        sa.PrimaryKeyConstraint("subject_id", name=op.f("pk_rural_village")),
    )
    op.create_table(
        "rural_household",
        sa.Column("subject_id", ID, nullable=False),
        sa.Column("village_id", ID, nullable=False),
        sa.Column("created_at", AT, nullable=False),
        sa.ForeignKeyConstraint(
            ["subject_id"], ["subject.id"], name=op.f("fk_rural_household_subject_id_subject")
        ),
        sa.ForeignKeyConstraint(
            ["village_id"],
            ["rural_village.subject_id"],
            name=op.f("fk_rural_household_village_id_rural_village"),
        ),
        sa.PrimaryKeyConstraint("subject_id", name=op.f("pk_rural_household")),
    )
    op.create_index(op.f("ix_rural_household_village_id"), "rural_household", ["village_id"], unique=False)
    op.create_table(
        "rural_member",
        sa.Column("id", ID, nullable=False),
        sa.Column("household_id", ID, nullable=False),
        sa.Column("member_lookup", sa.String(length=64), nullable=False),
        sa.Column("id_masked", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("relation", sa.String(length=16), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", AT, nullable=False),
        sa.ForeignKeyConstraint(
            ["household_id"],
            ["rural_household.subject_id"],
            name=op.f("fk_rural_member_household_id_rural_household"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rural_member")),
        sa.UniqueConstraint("member_lookup", name=op.f("uq_rural_member_member_lookup")),
    )
    op.create_index("ix_rural_member_household_id", "rural_member", ["household_id"], unique=False)
    op.create_table(
        "rural_run",
        sa.Column("id", ID, nullable=False),
        sa.Column("period", sa.String(length=16), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("policy_hash", sa.String(length=64), nullable=False),
        sa.Column("versions", JSON, nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", AT, nullable=False),
        sa.Column("published_at", AT, nullable=True),
        sa.Column("published_by", sa.String(length=100), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rural_run")),
    )
    op.create_index(op.f("ix_rural_run_period"), "rural_run", ["period"], unique=False)
    op.create_table(
        "rural_result",
        sa.Column("id", ID, nullable=False),
        sa.Column("run_id", ID, nullable=False),
        sa.Column("unit", sa.String(length=16), nullable=False),
        sa.Column("unit_key", sa.String(length=100), nullable=False),
        sa.Column("subject_id", ID, nullable=True),
        sa.Column("region_code", sa.String(length=6), nullable=True),
        sa.Column("township", sa.String(length=64), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("level_code", sa.String(length=32), nullable=False),
        sa.Column("level_name", sa.String(length=32), nullable=False),
        sa.Column("met", sa.Boolean(), nullable=False),
        sa.Column("detail", JSON, nullable=False),
        sa.ForeignKeyConstraint(["run_id"], ["rural_run.id"], name=op.f("fk_rural_result_run_id_rural_run")),
        sa.ForeignKeyConstraint(
            ["subject_id"], ["subject.id"], name=op.f("fk_rural_result_subject_id_subject")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rural_result")),
        sa.UniqueConstraint("run_id", "unit", "unit_key", name=op.f("uq_rural_result_run_id_unit_unit_key")),
    )
    op.create_index("ix_rural_result_run_unit", "rural_result", ["run_id", "unit", "met"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_rural_result_run_unit", table_name="rural_result")
    op.drop_table("rural_result")
    op.drop_index(op.f("ix_rural_run_period"), table_name="rural_run")
    op.drop_table("rural_run")
    op.drop_index("ix_rural_member_household_id", table_name="rural_member")
    op.drop_table("rural_member")
    op.drop_index(op.f("ix_rural_household_village_id"), table_name="rural_household")
    op.drop_table("rural_household")
    op.drop_table("rural_village")
