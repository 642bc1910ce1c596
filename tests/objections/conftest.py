"""Fixtures of the objection tests: the same world and clock as the repair tests."""

from __future__ import annotations

from tests.repair.conftest import World, at, set_clock, world

__all__ = ["World", "at", "set_clock", "world"]
