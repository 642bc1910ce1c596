"""The migrations build the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect

from xinyong.migrate import at_head, head_revisions, include_name
from xinyong.models import Base


def test_migrations_reach_head(engine: Engine, database_url: str) -> None:
    assert at_head(engine, database_url)


def test_migrations_form_one_line(database_url: str) -> None:
    """Branches merged in parallel each start from the same parent; the merge must re-chain them."""
    heads = head_revisions(database_url)
    assert len(heads) == 1, f"more than one migration head (re-chain down_revision): {sorted(heads)}"


def test_models_and_migrations_agree(engine: Engine) -> None:
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": False, "include_name": include_name})
        diff = compare_metadata(ctx, Base.metadata)
    assert diff == [], f"models and migrations differ: {diff}"


def test_core_tables_exist(engine: Engine) -> None:
    tables = set(inspect(engine).get_table_names())
    assert {"subject", "subject_identifier", "department", "credit_record", "audit_event"} <= tables
