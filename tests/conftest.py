"""Root of the test suite: light on purpose.

Pure tests (``tests/kit``, the rule core …) pay only for what they import: this file loads nothing of
the application, the database, SQLAlchemy or FastAPI. The database and HTTP fixtures (``session``,
``runtime``, ``client`` …) live in :mod:`tests.fixtures.db`, registered below; that plugin imports the
application only inside a fixture, when a test asks for one. ``tests/test_test_imports.py`` keeps it so.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from hypothesis import settings as hypothesis_settings

if TYPE_CHECKING:
    from xinyong.policy.loader import Policy

pytest_plugins = ["tests.fixtures.db", "tests.fixtures.demo"]

# Property tests check rules, not speed: on two busy cores one example can take far longer than another,
# and hypothesis' per-example deadline would fail a correct rule (performance lives in benchmarks/).
hypothesis_settings.register_profile("xinyong", deadline=None)
hypothesis_settings.load_profile("xinyong")

ROOT = Path(__file__).resolve().parents[1]
POLICY_DIR = ROOT / "policy"
TEST_DATA_KEY = "q7b1tZ3f0QhX8o5m2CwYv9nKp4sLr6uJ1eAa3dGg0Hc"
TEST_INDEX_KEY = "Zx8c7v6b5n4m3l2k1j0h9g8f7d6s5a4q3w2e1r0t9y8"


@pytest.fixture(scope="session")
def policy() -> Policy:
    """Return the repository's policy."""
    from xinyong.policy.loader import load_policy

    return load_policy(POLICY_DIR)


@pytest.fixture
def repo_root() -> Path:
    """Return the repository root."""
    return ROOT


# Files holding a test of these marks run first. Under ``-n 2 --dist loadfile`` a file runs whole on one
# worker; one of a few minutes that started last would keep the run waiting after the other worker is done.
# xdist keeps this order because ``--no-loadscope-reorder`` is in the pytest options (by default it sends
# the files with the most tests first, which put the one-test demo file at the end).
LONG_MARKS = ("slow", "browser")


def _long_rank(item: pytest.Item) -> int:
    return next((i for i, mark in enumerate(LONG_MARKS) if item.get_closest_marker(mark)), len(LONG_MARKS))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Put the files that hold slow tests, then browser tests, first; the rest keep their order."""
    rank: dict[Path, int] = {}
    for item in items:
        rank[item.path] = min(rank.get(item.path, len(LONG_MARKS)), _long_rank(item))
    items.sort(key=lambda item: rank[item.path])
