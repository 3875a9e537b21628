"""Which dotted names a module's imports can reach, read from its text.

Another module's function or queue attribute matters to a file only through an import:
the analysis resolves `consume` to `app.workers.consume` by `from app.workers import
consume`, `w.consume` by `import app.workers as w`. Matching by last name alone takes
`from multiprocessing.connection import Client` for `multiprocessing.dummy.connection.
Client` and sends the file through LibCST for nothing. Here each import statement gives
the prefix of every name it can reach, and a name of another module counts only under
one of them.

The reading is textual, so it may find more than the analysis (an import in a string
or a comment): never fewer. `from . import x` in a module whose package is not certain
(a package's `__init__` is its own package) gives both readings.
"""

from __future__ import annotations

import re
from typing import Optional

_FROM_HEAD = re.compile(r"(?:^|[;:])\s*from\s+(\.*)\s*([\w.]*)\s+$")
_LISTED = re.compile(r"(?:[^\n;#\\]|\\\n)*")  # to the end of the statement's line(s)
_COMMENT = re.compile(r"#[^\n]*")
_NAME = re.compile(r"[\w.]+(?:\s+as\s+\w+)?|\*")


def import_prefixes(text: str, module: str) -> Optional[frozenset[str]]:
    """The dotted prefixes under which the imports of `text` (the source of `module`) can
    reach a name: `from a.b import c` gives `a.b.c`, `import a.b` gives `a` (the name it
    binds), `import a.b as m` gives `a.b`, `from a import *` gives `a`. None when an
    import cannot be read so (a relative one in a module whose name is not known, code
    before it on its line): anything may be reached. Found by the word `import`, not by
    a regular expression tried at every position (this runs on every file of a run)."""
    prefixes: set[str] = set()
    at = text.find("import")
    while at >= 0:
        end = at + len("import")
        if (at == 0 or not _word(text[at - 1])) and (end == len(text) or not _word(text[end])):
            start = text.rfind("\n", 0, at) + 1
            while start > 1 and text[start - 2] == "\\":  # a continued line: read from its start
                start = text.rfind("\n", 0, start - 2) + 1
            head = text[start:at].replace("\\\n", " ")
            names = _names(text, end)
            found = _FROM_HEAD.search(head)
            if found is not None:
                bases = _bases(found.group(1), found.group(2), module)
                if bases is None:
                    return None
                for base in bases:
                    for name in names:
                        dotted = name.split(" as ")[0].strip()
                        prefixes.add(base if dotted == "*" else f"{base}.{dotted}" if base else dotted)
            elif not head.strip() or head.rstrip().endswith((";", ":")):
                for name in names:
                    dotted, _, alias = (part.strip() for part in name.partition(" as "))
                    prefixes.add(dotted if alias else dotted.split(".")[0])
            elif not any(mark in head for mark in "#'\"") and not head.lstrip().startswith((">>>", "...")):
                return None  # code before `import` on its line, not `from ...`: cannot tell
        at = text.find("import", end)
    return frozenset(prefix for prefix in prefixes if prefix)


def _word(char: str) -> bool:
    return char.isalnum() or char in "_."


def _names(text: str, at: int) -> list[str]:
    """The names listed after the `import` that ends at `at`: in brackets, or to the end of
    its line (and the lines a backslash continues it on)."""
    rest = text[at : at + 2000].lstrip(" \t")  # a window: a statement is short
    if rest.startswith("("):
        close = rest.find(")")
        if close < 0:
            rest = text[at:].lstrip(" \t")
            close = rest.find(")")
        listed = rest[1 : close if close >= 0 else len(rest)]
    else:
        line = _LISTED.match(rest)
        listed = line.group(0) if line else ""
        if len(listed) == len(rest) and len(rest) < len(text) - at:  # ran past the window
            line = _LISTED.match(text, at)
            listed = line.group(0) if line else ""
    listed = _COMMENT.sub(" ", listed.replace("\\\n", " "))
    return [found.group(0) for found in _NAME.finditer(listed)]


def _bases(dots: str, named: str, module: str) -> Optional[list[str]]:
    """The absolute module(s) of `from <dots><named> import ...` written in `module`."""
    if not dots:
        return [named]
    if not module:
        return None
    parts = module.split(".")
    bases = []
    for package_depth in (len(parts), len(parts) - 1):  # `module` a package's __init__, or not
        keep = package_depth - (len(dots) - 1)
        if keep < 0 or (keep == 0 and not named):
            continue
        bases.append(".".join([*parts[:keep], *([named] if named else [])]))
    return bases or None


def reaches(name: str, prefixes: Optional[frozenset[str]]) -> bool:
    """Whether an import of `prefixes` can reach the dotted `name` (None: anything can)."""
    if prefixes is None:
        return True
    return any(name == prefix or name.startswith(prefix + ".") for prefix in prefixes)
