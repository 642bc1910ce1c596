"""Docs name only what exists: every path, command, make target, API route and code name they cite.

The README and the design notes are read by people who then type what they read. A renamed file, a
removed command or a route that moved makes the docs lie; this test reads every inline code span of
``README.md``, ``docs/*.md`` and the packages' READMEs and checks each one it recognises: paths (and a
test named as ``file.py::test_name``), ``xinyong`` subcommands, scripts run with Python, ``make`` targets,
API routes, and dotted names of the code (``repair.repeats.batch_repeats``, ``xinyong.rules.windows``).
"""

from __future__ import annotations

import importlib
import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import typer

ROOT = Path(__file__).resolve().parents[1]
DOCS = sorted([ROOT / "README.md", *ROOT.glob("docs/*.md"), *ROOT.glob("src/xinyong/**/README.md")])
ROOTS = ("src/", "tests/", "docs/", "policy/", "benchmarks/", "scripts/", ".ci/", "migrations/", "var/")
GENERATED = ("var/",)  # made at run time (database, dev keys, demo accounts), not shipped
SPAN = re.compile(r"`([^`\n]+)`")
ROUTE = re.compile(r"^(GET|POST|PUT|PATCH|DELETE) (/\S*)")
FILE_NAME = re.compile(r"^[\w./*<>-]+\.(py|md|ya?ml|json|toml|sql|csv|html|js|css)$")
# a dotted name of the code: ``xinyong.`` and a package, or a package and at least two more parts (two
# parts alone are also how codes and audit actions are written: ``ingest.batch``, ``audit.epoch``)
DOTTED = re.compile(r"^(xinyong\.)?([a-z_][a-z0-9_]*)((?:\.[A-Za-z_]\w*)+)(\(\))?$")
PACKAGES = {p.stem for p in (ROOT / "src" / "xinyong").iterdir() if not p.name.startswith(("_", "."))}


def _spans() -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for doc in DOCS:
        text = doc.read_text("utf-8")
        found += [(doc.relative_to(ROOT).as_posix(), m.group(1).strip()) for m in SPAN.finditer(text)]
    return found


def _path_exists(token: str) -> bool:
    token, _, test = token.partition("::")
    token = token.rstrip("/")
    if test:
        name = re.split(r"[\[:]", test, maxsplit=1)[0]
        found = [p for p in [ROOT / token, *ROOT.rglob(Path(token).name)] if p.is_file()]
        return any(
            re.search(rf"^\s*(async )?(def|class) {re.escape(name)}\b", p.read_text("utf-8"), re.M)
            for p in found
        )
    pattern = re.sub(r"<[^>]+>", "*", token)
    if any(ch in pattern for ch in "*?["):
        return any(ROOT.glob(pattern)) or any(ROOT.rglob(pattern))
    if (ROOT / pattern).exists():
        return True
    return any(p.as_posix().endswith("/" + pattern) for p in ROOT.rglob(Path(pattern).name))


@cache
def _cli() -> Any:
    from xinyong.cli import app

    return typer.main.get_command(app)


def _cli_has(words: list[str]) -> bool:
    command = _cli()
    for word in words:
        subcommands: dict[str, Any] = getattr(command, "commands", {})
        if not subcommands or word.startswith(("-", "[")) or word.isupper():
            return True  # a leaf command reached: the rest are its arguments and options
        if word not in subcommands:
            return False
        command = subcommands[word]
    return True


@cache
def _routes() -> list[re.Pattern[str]]:
    from xinyong.app import XinyongAPI, create_app
    from xinyong.settings import Settings

    app = create_app(Settings(database_url="sqlite://", environment="test"))
    assert isinstance(app, XinyongAPI)
    paths = {path for _method, path in app.hot_endpoints} | set(_paths(app.routes, ""))
    return [re.compile("^" + re.sub(r"\{[^}]+\}", r"[^/]+", p) + "$") for p in paths]


def _paths(routes: list[Any], prefix: str) -> list[str]:
    """Every route path, the ones left out of the OpenAPI included (routers may nest)."""
    found: list[str] = []
    for route in routes:
        if isinstance(getattr(route, "path", None), str):
            found.append(prefix + route.path)
        if (included := getattr(route, "original_router", None)) is not None:
            found += _paths(included.routes, prefix + route.include_context.prefix)
    return found


def _route_exists(path: str) -> bool:
    path = re.split(r"[?\[]", path, maxsplit=1)[0].replace("…", "x")
    path = re.sub(r"\{[^}]+\}", "x", path)
    if any(pattern.match(path) for pattern in _routes()):
        return True
    reference = (ROOT / "benchmarks" / "reference_app.py").read_text("utf-8")
    return f'"{re.sub(r"/x$", "/{", path)}' in reference or f'"{path}"' in reference


def _code_name_exists(token: str) -> bool | None:
    """Resolve a dotted name of the code (``None``: not one)."""
    found = DOTTED.match(token)
    if not found or found.group(2) not in PACKAGES:
        return None
    parts = ["xinyong", found.group(2), *found.group(3).strip(".").split(".")]
    if not found.group(1) and len(parts) < 4:
        return None
    for cut in range(len(parts), 1, -1):
        try:
            target: Any = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for name in parts[cut:]:
            if not hasattr(target, name):
                return False
            target = getattr(target, name)
        return True
    return False


def _problem(token: str) -> str | None:
    words = token.split()
    if token.startswith(GENERATED):
        return None
    if token.startswith(ROOTS) or (len(words) == 1 and FILE_NAME.match(token)):
        return None if _path_exists(words[0]) else "文件或目录不存在"
    if words[0] in {".venv/bin/python", "python"} and len(words) > 1 and words[1].endswith(".py"):
        return None if (ROOT / words[1]).exists() else "脚本不存在"
    if words[0] in {"xinyong", ".venv/bin/xinyong"} and len(words) > 1:
        return None if _cli_has(words[1:]) else "命令行没有这个子命令"
    if words[0] == "make" and len(words) == 2:
        makefile = (ROOT / "Makefile").read_text("utf-8")
        return None if re.search(rf"^{re.escape(words[1])}:", makefile, re.M) else "Makefile 没有这个目标"
    route = ROUTE.match(token)
    if route and route.group(2).startswith("/"):
        return None if _route_exists(route.group(2)) else "没有这个接口"
    if _code_name_exists(token) is False:
        return "代码中没有这个名字"
    return None


@pytest.mark.parametrize("doc", [d.relative_to(ROOT).as_posix() for d in DOCS])
def test_docs_name_only_what_exists(doc: str) -> None:
    wrong = [f"{token}：{why}" for where, token in _spans() if where == doc and (why := _problem(token))]
    assert not wrong, f"{doc} 提到了不存在的东西：\n" + "\n".join(wrong)


def test_the_check_recognises_what_is_missing() -> None:
    assert _problem("docs/no-such-note.md") == "文件或目录不存在"
    assert _problem("xinyong no-such-command") == "命令行没有这个子命令"
    assert _problem("make no-such-target") == "Makefile 没有这个目标"
    assert _problem("GET /api/v1/no-such-route") == "没有这个接口"
    assert _problem("records.disclosure.retention_end") == "代码中没有这个名字"
    assert _problem("xinyong.rules.no_such_module") == "代码中没有这个名字"
    assert _problem("tests/test_docs.py::test_no_such_test") == "文件或目录不存在"
    assert _problem("rules.disclosure.retention_end") is None
    assert _problem("tests/test_docs.py::test_the_check_recognises_what_is_missing") is None
    assert _problem("ingest.batch") is None  # an audit action, not a name of the code
    assert _problem("xinyong ingest FILE --source xzcf") is None
    assert _problem("GET /api/v1/subjects/{code}/evaluation[?as_of=]") is None
