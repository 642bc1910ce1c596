"""Functions that fit on a screen: no function over 60 lines and no module over 400 lines in ``src/``.

A function's length is counted from its ``def`` (decorators excluded) to its last line, docstring included;
a module's length is its number of lines. The message names every offender, longest first, and says which
function and which module are the longest of all.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import NamedTuple

SRC = Path(__file__).resolve().parents[1] / "src" / "xinyong"
MAX_FUNCTION_LINES = 60
MAX_MODULE_LINES = 400


class Length(NamedTuple):
    """A named piece of source and its length in lines."""

    lines: int
    where: str


def _functions(rel: str, tree: ast.Module) -> list[Length]:
    out: list[Length] = []

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                name = f"{prefix}{child.name}"
                end = child.end_lineno or child.lineno
                out.append(Length(end - child.lineno + 1, f"{rel}:{child.lineno} {name}"))
                visit(child, f"{name}.")
            elif isinstance(child, ast.ClassDef):
                visit(child, f"{prefix}{child.name}.")
            else:
                visit(child, prefix)

    visit(tree, "")
    return out


def measure(root: Path = SRC) -> tuple[list[Length], list[Length]]:
    """Return the length of every function and every module under ``root``, longest first."""
    functions: list[Length] = []
    modules: list[Length] = []
    for path in sorted(root.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        rel = path.relative_to(root.parent).as_posix()
        modules.append(Length(len(text.splitlines()), rel))
        functions.extend(_functions(rel, ast.parse(text, filename=str(path))))
    return sorted(functions, reverse=True), sorted(modules, reverse=True)


def offenders(root: Path = SRC) -> tuple[list[Length], list[Length]]:
    """Return the functions over the function limit and the modules over the module limit."""
    functions, modules = measure(root)
    return (
        [f for f in functions if f.lines > MAX_FUNCTION_LINES],
        [m for m in modules if m.lines > MAX_MODULE_LINES],
    )


def report(long_functions: list[Length], long_modules: list[Length], root: Path = SRC) -> str:
    """Return the message naming every offender and the longest function and module."""
    functions, modules = measure(root)
    lines = [
        f"longest function: {functions[0].where} ({functions[0].lines} lines)",
        f"longest module: {modules[0].where} ({modules[0].lines} lines)",
    ]
    if long_functions:
        lines.append(f"{len(long_functions)} functions over {MAX_FUNCTION_LINES} lines (split by meaning):")
        lines += [f"  {f.lines:4d}  {f.where}" for f in long_functions]
    if long_modules:
        lines.append(f"{len(long_modules)} modules over {MAX_MODULE_LINES} lines:")
        lines += [f"  {m.lines:4d}  {m.where}" for m in long_modules]
    return "\n".join(lines)


def test_functions_and_modules_fit_on_a_screen() -> None:
    long_functions, long_modules = offenders()
    offending = [*long_functions, *long_modules]
    assert not offending, report(long_functions, long_modules)


def test_the_measure_counts_nested_functions_and_methods(tmp_path: Path) -> None:
    pkg = tmp_path / "xinyong"
    pkg.mkdir()
    body = "\n".join(f"    x{i} = {i}" for i in range(61))
    (pkg / "m.py").write_text(
        f"class A:\n    def short(self) -> None:\n        pass\n\n\ndef outer() -> None:\n{body}\n"
        "    def inner() -> None:\n        pass\n",
        encoding="utf-8",
    )
    long_functions, long_modules = offenders(pkg)
    assert [f.where for f in long_functions] == ["xinyong/m.py:6 outer"]
    assert [f.lines for f in long_functions] == [64]
    assert not long_modules
    functions, _ = measure(pkg)
    assert {f.where.split(" ")[1] for f in functions} == {"A.short", "outer", "outer.inner"}
