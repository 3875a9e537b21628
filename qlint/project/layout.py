"""Where a project starts and what its files are called when imported.

The root is the folder of the nearest `pyproject.toml` above a path, else the top of
its git work tree, else the folder given (a file's own folder). A file's module name
is its path from the first folder above it that is not a package (has no
`__init__.py`): `src/app/workers.py` in a src layout is `app.workers`, a test file
`tests/test_client.py` without `__init__.py` beside it is `test_client`. Each file is
also known by its path from the root (`src.app.workers`), for code that imports it so.
A name two files claim is nobody's: an import of it is not followed.
"""

from __future__ import annotations

import functools
import os
from typing import Optional

ROOT_MARKERS = ("pyproject.toml",)


def find_root(path: str) -> str:
    """The project root of `path` (a file or folder), absolute."""
    start = os.path.abspath(path)
    folder = start if os.path.isdir(start) else os.path.dirname(start)
    current = folder
    git: Optional[str] = None
    while True:
        if any(os.path.isfile(os.path.join(current, marker)) for marker in ROOT_MARKERS):
            return current
        if git is None and os.path.exists(os.path.join(current, ".git")):
            git = current
        parent = os.path.dirname(current)
        if parent == current:
            return git or folder
        current = parent


def module_names(path: str, root: str) -> tuple[str, list[str]]:
    """The canonical module name of the file `path` under `root`, and every name it is known by.

    Both paths absolute. `__init__.py` is its package's name.
    """
    relative = path_from_root(path, root)
    parts = relative[:-3].split(os.sep) if relative.endswith(".py") else relative.split(os.sep)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    # Climb while the folder holding the module is a package.
    folder = os.path.dirname(path)
    depth = 1 if os.path.basename(path) != "__init__.py" else 0
    if depth == 0:
        folder = os.path.dirname(folder)
        depth = 1
    while depth < len(parts) and _is_package(folder):
        folder = os.path.dirname(folder)
        depth += 1
    canonical = ".".join(parts[-depth:]) if parts else ""
    names = [canonical]
    whole = ".".join(parts)
    if whole and whole != canonical and all(part.isidentifier() for part in parts):
        names.append(whole)
    return canonical, [name for name in names if name and all(p.isidentifier() for p in name.split("."))]


def path_from_root(path: str, root: str) -> str:
    """`path` relative to `root` (both absolute): a slice when it is below it, as it mostly
    is (os.path.relpath normalizes both paths first, for every file of an index)."""
    if path.startswith(root) and path[len(root) : len(root) + 1] == os.sep and os.sep + "." not in path:
        return path[len(root) + 1 :]
    return os.path.relpath(path, root)


@functools.lru_cache(maxsize=4096)
def _is_package(folder: str) -> bool:
    """Asked once per folder in a run (the index asks for each of its files)."""
    return os.path.isfile(os.path.join(folder, "__init__.py"))


def absolute_import(reference: str, module: str, is_package: bool) -> Optional[str]:
    """`..x.y` imported in `module` as an absolute dotted name, or None past the top."""
    if not reference.startswith("."):
        return reference
    level = len(reference) - len(reference.lstrip("."))
    rest = reference[level:]
    package = module.split(".") if module else []
    if not is_package:
        package = package[:-1]
    if level - 1 > len(package):
        return None
    base = package[: len(package) - (level - 1)]
    joined = ".".join([*base, rest] if rest else base)
    return joined or None
