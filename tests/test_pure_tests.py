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

import pytest

pytestmark = pytest.mark.slow  # fresh interpreters collecting the suite: scheduled first (tests/conftest.py)
ROOT = Path(__file__).resolve().parents[1]

# no application, no database layer, no ORM, no web framework
PURE = ["tests/kit"]
PURE_FORBIDDEN = ("xinyong.app", "xinyong.db", "sqlalchemy", "fastapi")

# tests of decisions read by several consumers: they may import the consumers' modules (and so the ORM
# models), never the application or the web framework
LOGIC = ["tests/rules", "tests/policy", "tests/synth"]
LOGIC_FORBIDDEN = ("xinyong.app", "fastapi", "starlette")

PROBE = r"""
import importlib, importlib.abc, json, sys
import pytest

phases = json.loads(sys.argv[1])
blamed = {}
forbidden = ()


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
found = []
for how, targets, names in phases:  # each phase sees only what the earlier ones did not import
    blamed, forbidden = {}, tuple(names)
    if how == "collect":
        args = ["--collect-only", "-q", "-n", "0", "-p", "no:randomly", "-p", "no:cacheprovider", *targets]
        assert pytest.main(args) == 0, targets
    else:
        for target in targets:
            importlib.import_module(target)
    found.append(blamed)
print(json.dumps(found))
"""


def _imported(*phases: tuple[str, list[str], tuple[str, ...]]) -> list[dict[str, str]]:
    """Run the phases in one fresh interpreter; for each, the forbidden packages imported and by whom.

    A phase is ``("collect", paths, forbidden)`` (what ``pytest paths`` loads) or ``("import", modules,
    forbidden)``.
    """
    done = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(phases)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    found: list[dict[str, str]] = json.loads(done.stdout.strip().splitlines()[-1])
    return found


def _listed(blamed: dict[str, str]) -> str:
    return "\n".join(f"{module}: {by}" for module, by in blamed.items())


def test_pure_and_logic_tests_import_no_application() -> None:
    # one interpreter for both (collecting costs seconds): the pure tests first, then the logic tests
    pure, logic = _imported(("collect", PURE, PURE_FORBIDDEN), ("collect", LOGIC, LOGIC_FORBIDDEN))
    assert not pure, "纯逻辑测试导入了应用或数据库：\n" + _listed(pure)
    assert not logic, "规则与政策测试导入了应用：\n" + _listed(logic)


def test_the_check_names_who_imported_what() -> None:
    (blamed,) = _imported(("import", ["tests.test_db"], ("sqlalchemy",)))
    assert "tests.test_db" in blamed["sqlalchemy"]
