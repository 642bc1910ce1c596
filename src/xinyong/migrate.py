"""Run Alembic migrations programmatically and report their state."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "migrations"
# Tables created by raw, dialect-specific SQL (full-text search) that the models do not describe.
UNMANAGED_PREFIX = "search_"


def include_name(name: str | None, type_: str, _parent_names: object) -> bool:
    """Tell Alembic's comparison to skip the unmanaged search tables, their shadow tables and indexes."""
    return not (type_ in ("table", "index") and name is not None and name.startswith(UNMANAGED_PREFIX))


def alembic_config(database_url: str) -> Config:
    """Return an Alembic config pointing at ``migrations/`` and ``database_url``."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return cfg


def upgrade(database_url: str, revision: str = "heads") -> None:
    """Upgrade the database to ``revision`` (default: every head)."""
    command.upgrade(alembic_config(database_url), revision)


def head_revisions(database_url: str) -> set[str]:
    """Return the head revisions of the migration scripts."""
    return set(ScriptDirectory.from_config(alembic_config(database_url)).get_heads())


def current_revisions(engine: Engine) -> set[str]:
    """Return the revisions the database is at."""
    with engine.connect() as conn:
        return set(MigrationContext.configure(conn).get_current_heads())


def at_head(engine: Engine, database_url: str) -> bool:
    """Tell whether the database is at every migration head."""
    return current_revisions(engine) == head_revisions(database_url)
