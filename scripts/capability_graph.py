"""Print the dependency graph between capabilities, read from the imports (Mermaid, for docs/architecture.md).

Usage: ``.venv/bin/python scripts/capability_graph.py`` — prints a ```mermaid block; two-way edges (cycles)
are listed after it. The architecture test checks the rules; this script only draws what is there.
"""

from __future__ import annotations

import ast
import sys
from collections import defaultdict
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "xinyong"
TOP = {"app", "cli", "demo", "web", "app_deps", "apidocs", "hotproto", "cli_support", "policy_sections", "wiring"}
ENTRY_NAMES = {"api", "cli", "routes", "views", "jobs", "demo", "deps", "hot"}  # deps: request dependencies; hot: bare ASGI endpoints
PACKAGES = {p.name for p in SRC.iterdir() if p.is_dir() and (p / "__init__.py").exists()}


def capability(module: str) -> str | None:
    """Return the node of a dotted module: its capability, ``entry`` (web/api/cli) or ``infra`` (db, settings …)."""
    parts = module.split(".")
    if len(parts) < 2 or parts[0] != "xinyong":
        return None
    name = parts[1]
    if name in TOP or (name in PACKAGES and parts[-1] in ENTRY_NAMES):
        return "entry"
    return name if name in PACKAGES else "infra"


def edges() -> dict[str, set[str]]:
    """Return capability → capabilities it imports."""
    graph: dict[str, set[str]] = defaultdict(set)
    for path in SRC.rglob("*.py"):
        rel = path.relative_to(SRC.parent).with_suffix("")
        parts = [p for p in rel.parts if p != "__init__"]
        source = capability(".".join(parts))
        if source in (None, "infra"):
            continue  # top-level infrastructure (db, settings, the models registry) is drawn as a target only
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names = [node.module]
            for name in names:
                target = capability(name)
                if target and target != source:
                    graph[source].add(target)
    return graph


def main() -> int:
    graph = edges()
    print("```mermaid")
    print("graph TD")
    for source in sorted(graph):
        for target in sorted(graph[source]):
            print(f"  {source} --> {target}")
    print("```")
    cycles = sorted({tuple(sorted((a, b))) for a in graph for b in graph[a] if a in graph.get(b, set())})
    if cycles:
        print()
        print("双向依赖：" + "，".join(f"{a} ↔ {b}" for a, b in cycles))
    return 0


if __name__ == "__main__":
    sys.exit(main())
