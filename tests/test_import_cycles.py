"""No import cycle between qlint's parts: each top-level module and each subpackage is one
part, and every import counts, at the top of a file or inside a function."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "qlint"

# Edges allowed for now, each with the reason it must go.
KNOWN: set[tuple[str, str]] = set()


def part_of(module: str) -> str:
    """`qlint.engine` -> itself; `qlint.fixes.apply` -> `qlint.fixes`; `qlint` -> itself."""
    return ".".join(module.split(".")[:2])


def module_name(path: Path) -> str:
    relative = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(relative.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported(tree: ast.AST) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)  # `from qlint import engine`
    return {name for name in found if name == "qlint" or name.startswith("qlint.")}


def import_graph() -> dict[str, set[str]]:
    modules = {module_name(path): path for path in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        source = part_of(name)
        targets = graph.setdefault(source, set())
        for target in imported(ast.parse(path.read_text(encoding="utf-8"))):
            while target not in modules and "." in target:  # `from qlint.rules import RULES`: a name, not a module
                target = target.rsplit(".", 1)[0]
            part = part_of(target)
            if part != source and (source, part) not in KNOWN:
                targets.add(part)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected parts of more than one node (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycle_between_packages() -> None:
    graph = import_graph()
    assert "qlint.fixes" in graph["qlint.engine"]  # the graph is read: the engine uses the fixes
    assert cycles(graph) == []


def test_the_check_sees_a_cycle() -> None:
    graph = import_graph()
    graph["qlint.fixes"] = graph["qlint.fixes"] | {"qlint.engine"}  # what fixes/session.py did
    assert any({"qlint.engine", "qlint.fixes"} <= set(component) for component in cycles(graph))
