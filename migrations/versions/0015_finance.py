"""consent by institution (code, scope, score; free-text rows matched or marked invalid); bank users'
institution; 信易贷 applications; 信易+ tokens and usage

Revision ID: 0015_finance
Revises: 0014_secaccess
Create Date: 2026-12-07 14:00:00
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
import yaml
from alembic import op
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

import xinyong.db

revision = "0015_finance"
down_revision = "0014_secaccess"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.INTEGER(), "sqlite")
_JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql")
_AT = xinyong.db.UTCDateTime(timezone=True)
# the sections of the file an old consent gave (all of them: it was a consent to the whole file)
_ALL_SECTIONS = [
    "基础信息",
    "行政管理",
    "诚实守信",
    "严重失信",
    "经营异常",
    "信用承诺",
    "信用评价",
    "司法判决",
    "其他",
]
_INVALID = "被授权方不是已登记的机构（迁移时按名称未能对应机构名录），授权无效，请重新授权"


def _institutions() -> dict[str, str]:
    """Return registered institution names -> codes from the policy the platform ships."""
    for root in (Path.cwd() / "policy", Path(__file__).resolve().parents[2] / "policy"):
        path = root / "institutions.yaml"
        if path.exists():
            doc = yaml.safe_load(path.read_text("utf-8"))
            return {str(i["name"]): str(i["code"]) for i in doc.get("institutions", [])}
    return {}


def _add_columns() -> None:
    for table in ("account", "api_key"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("institution_code", sa.String(length=32), nullable=True))
    with op.batch_alter_table("authorisation") as batch:
        batch.add_column(sa.Column("grantee_code", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("sections", _JSON, nullable=True))
        batch.add_column(sa.Column("score", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("invalid_reason", sa.String(length=200), nullable=True))
        batch.create_index(batch.f("ix_authorisation_grantee_code"), ["grantee_code"], unique=False)


def _migrate_rows() -> None:
    """Name matches become codes; other free-text consents are marked invalid (never silently kept)."""
    bind = op.get_bind()
    codes = _institutions()
    auth = sa.table(
        "authorisation",
        sa.column("id", sa.Integer),
        sa.column("grantee_organisation", sa.String),
        sa.column("grantee_code", sa.String),
        sa.column("sections", sa.JSON),
        sa.column("invalid_reason", sa.String),
    )
    for row_id, name in bind.execute(sa.select(auth.c.id, auth.c.grantee_organisation)).all():
        code = codes.get((name or "").strip())
        values = {"grantee_code": code, "sections": _ALL_SECTIONS} if code else {"invalid_reason": _INVALID}
        bind.execute(auth.update().where(auth.c.id == row_id).values(**values))
    for table in ("account", "api_key"):
        t = sa.table(
            table,
            sa.column("id", sa.Integer),
            sa.column("role", sa.String),
            sa.column("organisation", sa.String),
            sa.column("institution_code", sa.String),
        )
        for row_id, org in bind.execute(sa.select(t.c.id, t.c.organisation).where(t.c.role == "bank")).all():
            if (org or "").strip() in codes:
                bind.execute(t.update().where(t.c.id == row_id).values(institution_code=codes[org.strip()]))


def upgrade() -> None:
    _add_columns()
    _migrate_rows()
    op.create_table(
        "loan_application",
        sa.Column("id", _ID, nullable=False),
        sa.Column("subject_id", _ID, nullable=False),
        sa.Column("product_id", sa.String(length=64), nullable=False),
        sa.Column("institution_code", sa.String(length=32), nullable=False),
        sa.Column("amount_yuan", sa.BigInteger(), nullable=False),
        sa.Column("term_months", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=300), nullable=True),
        sa.Column("granted_yuan", sa.BigInteger(), nullable=True),
        sa.Column("grade", sa.String(length=32), nullable=True),
        sa.Column("industry", sa.String(length=64), nullable=True),
        sa.Column("region_code", sa.String(length=6), nullable=True),
        sa.Column("submitted_on", sa.Date(), nullable=False),
        sa.Column("submitted_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", _AT, nullable=False),
        sa.Column("updated_at", _AT, nullable=False),
        sa.ForeignKeyConstraint(
            ["subject_id"], ["subject.id"], name=op.f("fk_loan_application_subject_id_subject")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_loan_application")),
    )
    op.create_index(op.f("ix_loan_application_subject_id"), "loan_application", ["subject_id"], unique=False)
    op.create_index(
        "ix_loan_application_institution", "loan_application", ["institution_code", "status"], unique=False
    )
    op.create_table(
        "loan_application_step",
        sa.Column("id", _ID, nullable=False),
        sa.Column("application_id", _ID, nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=300), nullable=True),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("at", _AT, nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["loan_application.id"],
            name=op.f("fk_loan_application_step_application_id_loan_application"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_loan_application_step")),
    )
    op.create_index(
        op.f("ix_loan_application_step_application_id"),
        "loan_application_step",
        ["application_id"],
        unique=False,
    )
    op.create_table(
        "scene_token",
        sa.Column("id", _ID, nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("subject_id", _ID, nullable=False),
        sa.Column("scene_id", sa.String(length=32), nullable=False),
        sa.Column("provider_code", sa.String(length=32), nullable=False),
        sa.Column("expires_at", _AT, nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", _AT, nullable=False),
        sa.Column("revoked_at", _AT, nullable=True),
        sa.ForeignKeyConstraint(
            ["subject_id"], ["subject.id"], name=op.f("fk_scene_token_subject_id_subject")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scene_token")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_scene_token_token_hash")),
    )
    op.create_index(op.f("ix_scene_token_subject_id"), "scene_token", ["subject_id"], unique=False)
    op.create_table(
        "scene_usage",
        sa.Column("id", _ID, nullable=False),
        sa.Column("scene_id", sa.String(length=32), nullable=False),
        sa.Column("provider_code", sa.String(length=32), nullable=False),
        sa.Column("subject_id", _ID, nullable=False),
        sa.Column("benefit", sa.String(length=200), nullable=False),
        sa.Column("value_yuan", sa.BigInteger(), nullable=True),
        sa.Column("used_on", sa.Date(), nullable=False),
        sa.Column("reported_by", sa.String(length=100), nullable=False),
        sa.Column("reported_at", _AT, nullable=False),
        sa.ForeignKeyConstraint(
            ["subject_id"], ["subject.id"], name=op.f("fk_scene_usage_subject_id_subject")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scene_usage")),
    )
    op.create_index(op.f("ix_scene_usage_subject_id"), "scene_usage", ["subject_id"], unique=False)
    op.create_index("ix_scene_usage_scene_on", "scene_usage", ["scene_id", "used_on"], unique=False)


def downgrade() -> None:
    for table in ("scene_usage", "scene_token", "loan_application_step", "loan_application"):
        op.drop_table(table)
    with op.batch_alter_table("authorisation") as batch:
        batch.drop_index(batch.f("ix_authorisation_grantee_code"))
        for column in ("invalid_reason", "score", "sections", "grantee_code"):
            batch.drop_column(column)
    for table in ("api_key", "account"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("institution_code")
