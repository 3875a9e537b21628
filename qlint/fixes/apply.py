"""Apply fixes to a module in one transformer pass, and say what each one edits."""

from __future__ import annotations

from typing import Iterable, Sequence

import libcst as cst

from qlint.diagnostic import Edit
from qlint.fixes.model import Fix, Replacement


class _Replace(cst.CSTTransformer):
    """Swap nodes by identity; everything else (comments, blank lines) is left as it was."""

    def __init__(self, changes: dict[int, Replacement]) -> None:
        super().__init__()
        self._changes = changes

    def on_leave(self, original_node, updated_node):  # type: ignore[no-untyped-def, override]
        return self._changes.get(id(original_node), updated_node)


def _subtree_ids(node: cst.CSTNode) -> set[int]:
    found, stack = set(), [node]
    while stack:
        current = stack.pop()
        found.add(id(current))
        stack.extend(current.children)
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
    return module.visit(_Replace(changes))


def edits(module: cst.Module, fix: Fix) -> tuple[Edit, ...]:
    """The fix as one text edit: the smallest span of the file it replaces, and with what."""
    before = module.code
    after = apply_fixes(module, [fix]).code
    start = 0
    limit = min(len(before), len(after))
    while start < limit and before[start] == after[start]:
        start += 1
    end_before, end_after = len(before), len(after)
    while end_before > start and end_after > start and before[end_before - 1] == after[end_after - 1]:
        end_before -= 1
        end_after -= 1
    if start == end_before and start == end_after:
        return ()
    line, col = _place(before, start)
    end_line, end_col = _place(before, end_before)
    return (Edit(line, col, end_line, end_col, after[start:end_after]),)


def _place(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of a character offset (lines end at \\n, as LibCST writes them)."""
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1
