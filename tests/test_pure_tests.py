"""Pure tests pay only for what they test: collecting them imports no application and no database.

The root ``tests/conftest.py`` and the fixture plugin ``tests/fixtures/db.py`` are loaded for every run;
if either imported the application, a run of ``tests/kit`` would pay its seconds of start-up. This test
collects the pure tests in a fresh interpreter, as ``pytest tests/kit`` does (plugins, conftests, test
modules), and names the test module that first pulled in a forbidden package.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# no application, no database layer, no ORM, no web framework
PURE = ["tests/kit"]
PURE_FORBIDDEN = ("xinyong.app", "xinyong.db", "sqlalchemy", "fastapi")

# tests of decisions read by several consumers: they may import the consumers' modules (and so the ORM
# models), never the application or the web framework
LOGIC = ["tests/rules", "tests/policy", "tests/synth"]
LOGIC_FORBIDDEN = ("xinyong.app", "fastapi", "starlette")

PROBE = r"""
import importlib.abc, json, sys
import pytest

forbidden = tuple(sys.argv[1].split(","))
blamed = {}


class Watch(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name in forbidden and name not in blamed:
            frame, chain = sys._getframe(1), []
            while frame is not None:
                module = frame.f_globals.get("__name__", "")
                if module.startswith(("tests", "xinyong")) and module not in chain:
                    chain.append(module)
                frame = frame.f_back
            blamed[name] = " <- ".join(chain) or "(pytest or a plugin)"
        return None


sys.meta_path.insert(0, Watch())
code = pytest.main(["--collect-only", "-q", "-n", "0", "-p", "no:randomly", "-p", "no:cacheprovider", *sys.argv[2:]])
print(json.dumps({"exit": int(code), "blamed": blamed}))
"""


def _imported(paths: list[str], forbidden: tuple[str, ...]) -> dict[str, str]:
    """Collect ``paths`` in a fresh interpreter; return each forbidden package imported and by whom."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE, ",".join(forbidden), *paths],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["exit"] == 0, done.stdout[-2000:] + done.stderr[-2000:]
    blamed: dict[str, str] = report["blamed"]
    return blamed


def test_pure_tests_import_no_application_or_database() -> None:
    blamed = _imported(PURE, PURE_FORBIDDEN)
    assert not blamed, "纯逻辑测试导入了应用或数据库：\n" + "\n".join(
        f"{m}: {by}" for m, by in blamed.items()
    )


def test_logic_tests_import_no_application() -> None:
    blamed = _imported(LOGIC, LOGIC_FORBIDDEN)
    assert not blamed, "规则与政策测试导入了应用：\n" + "\n".join(f"{m}: {by}" for m, by in blamed.items())


def test_the_check_names_who_imported_what() -> None:
    blamed = _imported(["tests/test_db.py"], ("sqlalchemy",))
    assert "tests.test_db" in blamed["sqlalchemy"]
