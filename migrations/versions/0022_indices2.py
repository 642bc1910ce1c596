"""Townships get a stable code: rural_village.township_code (county code + three digits), backfilled

Revision ID: 0022_indices2
Revises: 0021_agencies
Create Date: 2026-12-07 19:45:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0022_indices2"
down_revision = "0021_agencies"
branch_labels = None
depends_on = None


def _backfill() -> None:
    """Number each county's townships 001, 002, … in name order (as registration does for a new one)."""
    bind = op.get_bind()
    rows = bind.execute(
        sa.text(
            "SELECT DISTINCT s.region_code, v.township FROM rural_village v "
            "JOIN subject s ON s.id = v.subject_id ORDER BY s.region_code, v.township"
        )
    ).all()
    numbers: dict[str, int] = {}
    for region, town in rows:
        numbers[region] = numbers.get(region, 0) + 1
        code = f"{region}{numbers[region]:03d}"
        bind.execute(
            sa.text(
                "UPDATE rural_village SET township_code = :code WHERE township = :town "
                "AND subject_id IN (SELECT id FROM subject WHERE region_code = :region)"
            ),
            {"code": code, "town": town, "region": region},
        )


def upgrade() -> None:
    with op.batch_alter_table("rural_village", schema=None) as batch_op:
        batch_op.add_column(sa.Column("township_code", sa.String(length=9), nullable=True))
    _backfill()
    with op.batch_alter_table("rural_village", schema=None) as batch_op:
        batch_op.alter_column("township_code", existing_type=sa.String(length=9), nullable=False)
        batch_op.create_index(batch_op.f("ix_rural_village_township_code"), ["township_code"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("rural_village", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rural_village_township_code"))
        batch_op.drop_column("township_code")
