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

_STATEMENT = re.compile(
    r"(?<![\w.])(?:from[ \t\\\n]+(?P<dots>\.*)[ \t\\\n]*(?P<module>[\w.]*)[ \t\\\n]+import(?![\w])"
    r"|import(?![\w]))[ \t\\\n]*(?P<names>\([^)]*\)?|(?:[^\n;#\\]|\\\n)*)"
)
_COMMENT = re.compile(r"#[^\n]*")
_NAME = re.compile(r"[\w.]+(?:\s+as\s+\w+)?|\*")


def import_prefixes(text: str, module: str) -> Optional[frozenset[str]]:
    """The dotted prefixes under which the imports of `text` (the source of `module`) can
    reach a name: `from a.b import c` gives `a.b.c`, `import a.b` gives `a` (the name it
    binds), `import a.b as m` gives `a.b`, `from a import *` gives `a`. None when a
    relative import cannot be resolved (the module's name is not known): anything may be."""
    prefixes: set[str] = set()
    for statement in _STATEMENT.finditer(text):
        listed = _COMMENT.sub(" ", statement.group("names").replace("\\\n", " "))
        names = [found.group(0) for found in _NAME.finditer(listed)]
        if statement.group("dots") is None and statement.group("module") is None:
            for name in names:
                dotted, _, alias = (part.strip() for part in name.partition(" as "))
                prefixes.add(dotted if alias else dotted.split(".")[0])
            continue
        bases = _bases(statement.group("dots") or "", statement.group("module") or "", module)
        if bases is None:
            return None
        for base in bases:
            for name in names:
                dotted = name.split(" as ")[0].strip()
                prefixes.add(base if dotted == "*" else f"{base}.{dotted}" if base else dotted)
    return frozenset(prefix for prefix in prefixes if prefix)


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
