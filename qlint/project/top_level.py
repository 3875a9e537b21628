"""A module's top-level functions, each parsed alone, without parsing the whole module.

A file read for the index only for its thread targets (qlint/project/targets.py) needs
nothing but the module-level functions that say `get`, `put` or `task_done`, and such a
file is often big and about something else (the standard library's test_typing.py:
300 KB, 95 ms to parse, for no function worth knowing). A module-level `def` starts in
column 0; its region runs to the next line that starts a `def`, `class` or `async` in
column 0 (no expression can hold those there). Each region that says what is wanted is
parsed alone, at its own line numbers, and its first statement is the function; the
decorators of the next definition, which end a region, are left out when it does not
parse with them.

The cut is checked, never trusted. A region must parse, and start with a function at its
line. Each line that ends a region must start a statement, not sit in a string: when the
triple quotes before it are not paired (counted apart for `\"\"\"` and `\'\'\'`), or a line
continues onto it, the caller parses the whole module. What fools this: a string that
holds three quotes of the other kind (`'\"\"\"'`) before a docstring that holds a
definition in column 0. A module that does not parse as a whole still gives the
functions that do, as one whose syntax is newer than this Python's should (the engine
reports the file itself).
"""

from __future__ import annotations

import ast
import re
from typing import Optional

from qlint.project.source import UNREADABLE, parse_text

_DEFINITION_AT_COLUMN_0 = re.compile(r"^(?:def|class|async)\b", re.MULTILINE)
_DEF = re.compile(r"(?:async[ \t]+)?def[ \t]")
_DECORATOR_AT_COLUMN_0 = re.compile(r"^@", re.MULTILINE)


def top_level_functions(text: str, wanted: re.Pattern[str], path: str) -> Optional[list[ast.stmt]]:
    """The module-level functions of `text` whose regions match `wanted`, each parsed
    alone (in the order of the module); None when the text cannot be cut so safely (the
    caller parses it whole), also when a region does not parse alone: the cut may be
    wrong, or the module does not parse, which the whole parse tells."""
    starts = [match.start() for match in _DEFINITION_AT_COLUMN_0.finditer(text)]
    found: list[ast.stmt] = []
    counted_to, triple_double, triple_single = 0, 0, 0
    for index, start in enumerate(starts):
        triple_double += text.count('"""', counted_to, start)
        triple_single += text.count("'''", counted_to, start)
        counted_to = start
        if triple_double % 2 or triple_single % 2 or text[max(0, start - 3) : start].rstrip("\r\n").endswith("\\"):
            return None  # perhaps in a string: not a definition
        if not _DEF.match(text, start):
            continue
        region = text[start : starts[index + 1] if index + 1 < len(starts) else len(text)]
        if wanted.search(region) is None:
            continue
        function = _function_at(region, text.count("\n", 0, start) + 1, path)
        if function is None:
            return None
        found.append(function)
    return found


def _function_at(region: str, line: int, path: str) -> Optional[ast.stmt]:
    """The function that starts `region` at `line`, parsed alone; without the decorators
    of the next definition at the region's end, if it does not parse with them."""
    tree = _parse(region, line, path)
    if tree is None:
        cut = _DECORATOR_AT_COLUMN_0.search(region)  # the region holds no other definition
        tree = _parse(region[: cut.start()], line, path) if cut else None
    first = tree.body[0] if tree is not None and tree.body else None
    if not isinstance(first, (ast.FunctionDef, ast.AsyncFunctionDef)) or first.lineno != line or first.col_offset:
        return None
    return first


def _parse(region: str, line: int, path: str) -> Optional[ast.Module]:
    try:
        return parse_text("\n" * (line - 1) + region, path)
    except UNREADABLE:
        return None
