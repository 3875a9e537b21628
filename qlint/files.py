"""Which files a run lints: `*.py` under the given directories, explicit files always."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Iterator

# Directories that never hold a project's own code.
SKIPPED_DIRECTORIES = frozenset(
    {".git", ".hg", ".svn", "__pycache__", "build", "dist", ".tox", ".nox", "node_modules",
     ".venv", "venv", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".qlint_cache", ".eggs"}
)


@dataclass(frozen=True)
class Discovered:
    """A path to lint, or a one-line reason it cannot be."""

    path: str
    error: str = ""


def discover(paths: list[str]) -> Iterator[Discovered]:
    """Files to lint, in a stable order; directories are walked, files are taken as named."""
    for path in paths:
        if os.path.isdir(path):
            yield from _walk(path)
        elif os.path.lexists(path) and not os.path.exists(path):
            yield Discovered(path, "broken symbolic link")
        elif not os.path.exists(path):
            yield Discovered(path, "no such file or directory")
        else:
            yield Discovered(path)


def _walk(top: str) -> Iterator[Discovered]:
    seen: set[tuple[int, int]] = set()
    for root, dirs, files in os.walk(top, followlinks=False):
        try:
            stat = os.stat(root)
        except OSError:
            continue
        if (stat.st_dev, stat.st_ino) in seen:
            dirs[:] = []
            continue
        seen.add((stat.st_dev, stat.st_ino))
        dirs[:] = sorted(
            d for d in dirs
            if d not in SKIPPED_DIRECTORIES
            and not d.endswith(".egg-info")
            and not os.path.exists(os.path.join(root, d, "pyvenv.cfg"))
        )
        for name in sorted(files):
            if name.endswith(".py"):
                yield Discovered(os.path.join(root, name))
        for name in dirs:
            if name.endswith(".py") and not os.path.islink(os.path.join(root, name)):
                yield Discovered(os.path.join(root, name), "is a directory")
