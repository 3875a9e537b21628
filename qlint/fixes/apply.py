"""Apply fixes to a module in one transformer pass."""

from __future__ import annotations

import warnings
from typing import Iterable, Sequence

import libcst as cst

from qlint.diagnostic import Fix
from qlint.fixes.blocks import children
from qlint.fixes.model import Replacement


class _Replace(cst.CSTTransformer):
    """Swap nodes by identity; everything else (comments, blank lines) is left as it was.
    Only the nodes that hold a changed node are entered: LibCST rebuilds every node it
    enters, and a module is mostly code no fix touches."""

    def __init__(self, changes: dict[int, Replacement], holders: set[int]) -> None:
        super().__init__()
        self._changes = changes
        self._holders = holders

    def on_visit(self, node: cst.CSTNode) -> bool:
        return id(node) in self._holders

    # libcst types the result as the node's own type; a fix may put another kind of node in
    # its place (a statement becomes a `try`), which libcst accepts at run time.
    def on_leave(self, original_node: cst.CSTNode, updated_node: cst.CSTNode) -> Replacement:  # type: ignore[override]
        return self._changes.get(id(original_node), updated_node)


def _subtree_ids(node: cst.CSTNode) -> set[int]:
    found, stack = set(), [node]
    while stack:
        current = stack.pop()
        found.add(id(current))
        stack.extend(children(current))
    return found


def compatible(fixes: Iterable[Fix]) -> list[Fix]:
    """The fixes, in order, that touch no node another chosen fix touches (or contains)."""
    taken: set[int] = set()
    chosen = []
    for fix in fixes:
        touched: set[int] = set()
        for node, _ in fix.changes:
            touched |= _subtree_ids(node)
        if touched & taken:
            continue
        taken |= touched
        chosen.append(fix)
    return chosen


def apply_fixes(module: cst.Module, fixes: Sequence[Fix]) -> cst.Module:
    """The module with `fixes` applied; they must be `compatible`."""
    changes = {id(node): replacement for fix in fixes for node, replacement in fix.changes}
    return module.visit(_Replace(changes, _holders(module, set(changes))))


def _holders(module: cst.Module, changed: set[int]) -> set[int]:
    """The ids of the nodes above a changed node (the module included), from one walk that
    keeps the path to the node it is at."""
    holders: set[int] = set()
    path: list[int] = []
    stack: list[tuple[cst.CSTNode, int]] = [(module, 0)]
    while stack:
        node, depth = stack.pop()
        del path[depth:]
        if id(node) in changed:
            holders.update(path)
            continue
        path.append(id(node))
        stack.extend((child, depth + 1) for child in children(node))
    return holders


def compiles(code: str) -> bool:
    """Whether Python compiles `code` (a module's text): what a fix's result must do before
    it is offered or written. CPython's own warnings about the code are not ours to print."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(code, "<fixed>", "exec", dont_inherit=True)
    except (SyntaxError, ValueError, OverflowError, RecursionError, MemoryError):
        return False
    return True
