"""Backup and restore of the platform's database: ``xinyong backup FILE`` / ``xinyong restore FILE``.

SQLite: SQLite's online backup API copies a consistent snapshot while the platform keeps serving (the
copy restarts pages that a writer changed meanwhile), and restore copies a checked backup file back the
same way, so the database file is replaced page by page under SQLite's own locks, never by a file copy
under an open connection. PostgreSQL: ``pg_dump`` in its custom format and ``pg_restore --clean``.
Before a backup the audit chain is verified and a signed checkpoint written (``audit.anchors``), so the
backup's head is anchored; after a restore the chain is verified again.

Restoring an older backup is, to the audit log, the loss of every entry written since: the checkpoints
written after the backup then report the missing tail, as they should, until an auditor records the
restore (``docs/security-db.md``).
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url

from xinyong.errors import Invalid
from xinyong.settings import Settings


def _sqlite_path(settings: Settings) -> Path:
    path = settings.database_url.split("///", 1)[-1]
    if not path or path == ":memory:":
        raise Invalid("内存数据库无法备份", code="backup.memory")
    return Path(path)


def _pg_url(settings: Settings) -> str:
    url = make_url(settings.database_url).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise Invalid(f"找不到 {name}：请安装 PostgreSQL 客户端工具", code="backup.tool_missing")
    return found


def backup(settings: Settings, target: Path) -> None:
    """Write a consistent backup of the database to ``target`` (replaced if it exists)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if settings.is_sqlite:
        src = sqlite3.connect(_sqlite_path(settings))
        tmp = target.with_name(target.name + ".partial")
        tmp.unlink(missing_ok=True)
        dst = sqlite3.connect(tmp)
        try:
            src.backup(dst, pages=4096)
            dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        finally:
            dst.close()
            src.close()
        tmp.replace(target)
        return
    proc = subprocess.run(  # noqa: S603 - fixed arguments, no shell
        [_tool("pg_dump"), "--format=custom", "--no-owner", f"--file={target}", _pg_url(settings)],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise Invalid(f"pg_dump 失败：{proc.stderr.strip()[:500]}", code="backup.failed")


def _check_sqlite_backup(source: Path) -> None:
    try:
        con = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            ok = con.execute("PRAGMA integrity_check").fetchone()[0]
            tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        raise Invalid(f"备份文件不是可用的 SQLite 数据库：{exc}", code="backup.invalid") from exc
    if ok != "ok":
        raise Invalid(f"备份文件已损坏：{ok}", code="backup.corrupt")
    if not {"alembic_version", "audit_event"} <= tables:
        raise Invalid("备份文件不是本平台的数据库（缺少迁移版本或审计表）", code="backup.invalid")


def restore(settings: Settings, source: Path) -> None:
    """Replace the database's content with the backup ``source`` (checked first)."""
    if not source.is_file():
        raise Invalid(f"备份文件不存在：{source}", code="backup.not_found")
    if settings.is_sqlite:
        _check_sqlite_backup(source)
        path = _sqlite_path(settings)
        path.parent.mkdir(parents=True, exist_ok=True)
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        dst = sqlite3.connect(path, timeout=settings.sqlite_busy_timeout_ms / 1000)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=WAL")
        finally:
            dst.close()
            src.close()
        return
    proc = subprocess.run(  # noqa: S603 - fixed arguments, no shell
        [
            _tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            f"--dbname={_pg_url(settings)}",
            str(source),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise Invalid(f"pg_restore 失败：{proc.stderr.strip()[:500]}", code="backup.failed")
