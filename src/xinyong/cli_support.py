"""Helpers shared by every command module (kept apart from ``cli.py`` so ``python -m xinyong.cli`` works)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from xinyong.errors import XinyongError

if TYPE_CHECKING:
    from xinyong.runtime import Runtime


def _runtime() -> Runtime:
    from xinyong.runtime import Runtime
    from xinyong.settings import Settings

    return Runtime.build(Settings())


def fail(exc: XinyongError) -> None:
    """Print a platform error in Chinese with its code and exit non-zero."""
    typer.echo(f"错误 [{exc.code}]：{exc.message}", err=True)
    raise typer.Exit(code=2)
