"""The import direction of ARCHITECTURE.md §2, checked with ``ast``.

web/api/cli → service → queries/models/pure cores → kit. Pure cores import no SQLAlchemy, FastAPI or
Jinja2; kit and the policy loader are domain-free; nothing below the entry points imports them; another
capability's private ``queries`` module is never imported.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "xinyong"
PURE_NAMES = {"engine", "states", "eligibility", "disclosure", "chain", "principal", "rules", "matching"}
FRAMEWORKS = ("sqlalchemy", "fastapi", "starlette", "jinja2", "alembic")
# Capabilities that are pure as a whole: the rule core (ARCHITECTURE §1 idea 6) imports no framework and
# nothing of the platform but kit, the policy schemas and itself.
PURE_PACKAGES = {"rules": ("xinyong.kit", "xinyong.policy", "xinyong.rules")}
ENTRY_NAMES = {"api", "cli", "routes", "views", "jobs", "demo"}
TOP_ENTRY = {"xinyong.app", "xinyong.cli", "xinyong.demo"}


def _modules() -> list[tuple[str, Path]]:
    out = []
    for path in SRC.rglob("*.py"):
        rel = path.relative_to(SRC.parent).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out.append((".".join(parts), path))
    return sorted(out)


def _imports(path: Path, module: str) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"))
    found: set[str] = set()
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                mod = ".".join([*base, node.module] if node.module else base)
            else:
                mod = node.module or ""
            found.add(mod)
            found |= {f"{mod}.{alias.name}" for alias in node.names}
    return found


MODULES = _modules()


def _is_entry(module: str) -> bool:
    parts = module.split(".")
    return module in TOP_ENTRY or parts[-1] in ENTRY_NAMES or (len(parts) > 1 and parts[1] == "web")


def _imports_entry(imported: str) -> bool:
    parts = imported.split(".")
    return any(_is_entry(".".join(parts[:n])) for n in range(2, len(parts) + 1))


def _capability(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


@pytest.mark.parametrize(("module", "path"), MODULES, ids=[m for m, _ in MODULES])
def test_import_direction(module: str, path: Path) -> None:
    imports = _imports(path, module)
    ours = {i for i in imports if i.startswith("xinyong.") or i == "xinyong"}
    name = module.rsplit(".", 1)[-1]
    cap = _capability(module)
    problems: list[str] = []
    if cap == "kit":
        problems += [i for i in ours if not i.startswith("xinyong.kit")]
    if cap == "policy":
        problems += [i for i in ours if not i.startswith(("xinyong.kit", "xinyong.policy", "xinyong.errors"))]
    if cap in PURE_PACKAGES:
        problems += [i for i in imports if i.split(".")[0] in FRAMEWORKS]
        problems += [i for i in ours if not i.startswith(PURE_PACKAGES[cap])]
    if name in PURE_NAMES:
        problems += [i for i in imports if i.split(".")[0] in FRAMEWORKS]
    if not _is_entry(module):
        problems += [f"{i} (entry point imported below the entry layer)" for i in ours if _imports_entry(i)]
    for i in ours:
        parts = i.split(".")
        if len(parts) >= 3 and parts[2] == "queries" and parts[1] != cap:
            problems.append(f"{i} (another capability's private queries)")
    assert not problems, f"{module} breaks the import direction: {sorted(set(problems))}"


def test_every_package_is_checked() -> None:
    assert len(MODULES) > 20
