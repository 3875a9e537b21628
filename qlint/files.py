"""Which files a run lints: `*.py` under the given directories, explicit files always.

Directories are walked in a stable order. What is skipped: the usual non-project
directories, the `exclude` globs, and what `.gitignore` files (and `.git/info/exclude`)
ignore, read with pathspec's gitignore rules, a deeper file deciding before its parents.
A file named on the command line is linted even if excluded, unless `force_exclude`.
"""

from __future__ import annotations

import errno
import fnmatch
import functools
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Optional

import pathspec

# Directories that never hold a project's own code (ruff's defaults, and ours).
DEFAULT_EXCLUDE = (
    ".bzr", ".direnv", ".eggs", ".git", ".hg", ".mypy_cache", ".nox", ".pants.d", ".pytest_cache",
    ".qlint_cache", ".ruff_cache", ".svn", ".tox", ".venv", "__pycache__", "__pypackages__",
    "_build", "buck-out", "build", "dist", "node_modules", "venv", "*.egg-info",
)


@dataclass(frozen=True)
class Discovered:
    """A path to lint, or a one-line reason it cannot be."""

    path: str
    error: str = ""


@dataclass(frozen=True)
class DiscoveryOptions:
    exclude: tuple[str, ...] = DEFAULT_EXCLUDE
    force_exclude: bool = False
    respect_gitignore: bool = True


def is_excluded(path: str, patterns: tuple[str, ...], is_dir: bool = False) -> bool:
    """A pattern matches the file or directory name, or the path (or its end).

    A pattern that ends in `/` matches directories only, as in ruff and `.gitignore`.
    """
    compiled = _compiled(patterns, is_dir)
    if compiled is None:
        return False
    whole, tail = compiled
    posix = path.replace(os.sep, "/").rstrip("/")
    name = posix.rsplit("/", 1)[-1]
    if whole.match(name) or whole.match(posix):
        return True
    return tail.match(os.path.abspath(path).replace(os.sep, "/")) is not None


@functools.lru_cache(maxsize=16)
def _compiled(patterns: tuple[str, ...], is_dir: bool) -> Optional[tuple[re.Pattern[str], re.Pattern[str]]]:
    """The patterns as two regexes (a whole name or path; the end of an absolute path):
    one match per path instead of one `fnmatch` per pattern (discovery's main cost)."""
    chosen = [p.rstrip("/") for p in patterns if is_dir or not p.endswith("/")]
    chosen = [p for p in chosen if p]
    if not chosen:
        return None
    whole = "|".join(fnmatch.translate(p) for p in chosen)
    tail = "|".join(fnmatch.translate("*/" + p.lstrip("/")) for p in chosen)
    return re.compile(whole), re.compile(tail)


def excluded_with_parents(path: str, patterns: tuple[str, ...], is_dir: bool = False) -> bool:
    """The file (or folder), or a folder it is in (below the current directory), is excluded."""
    absolute = Path(path).absolute()
    try:
        relative = absolute.relative_to(Path.cwd())
    except ValueError:
        relative = Path(path)
    if is_excluded(str(relative), patterns, is_dir):
        return True
    return any(is_excluded(str(c), patterns, is_dir=True) for c in relative.parents if str(c) not in (".", "/", ""))


def discover(paths: list[str], options: DiscoveryOptions = DiscoveryOptions()) -> Iterator[Discovered]:
    """Files to lint, in a stable order; directories are walked, files taken as named."""
    for path in paths:
        if os.path.isdir(path):
            if options.force_exclude and excluded_with_parents(path, options.exclude, is_dir=True):
                continue
            yield from _walk(path, options)
        elif os.path.lexists(path) and not os.path.exists(path):
            yield Discovered(path, _why_unreachable(path))
        elif not os.path.exists(path):
            yield Discovered(path, "no such file or directory")
        elif options.force_exclude and (
            excluded_with_parents(path, options.exclude)
            or (options.respect_gitignore and _Ignores.for_file(path).ignores(path))
        ):
            continue
        else:
            yield Discovered(path)


class _Ignores:
    """The .gitignore files in force at a point of the walk, outermost first."""

    def __init__(self, specs: list[tuple[str, pathspec.GitIgnoreSpec]]) -> None:
        self.specs = specs

    @classmethod
    def above(cls, top: str) -> _Ignores:
        """The ignore files of the repository above `top` (and `top` itself is read by the walk)."""
        top_path = Path(top).absolute()
        root = next((d for d in (top_path, *top_path.parents) if (d / ".git").exists()), None)
        if root is None:
            return cls([])
        specs = []
        exclude = _load(root / ".git" / "info" / "exclude")
        if exclude is not None:
            specs.append((str(root), exclude))
        for folder in reversed(top_path.parents):
            if len(folder.parts) >= len(root.parts):
                spec = _load(folder / ".gitignore")
                if spec is not None:
                    specs.append((str(folder), spec))
        return cls(specs)

    @classmethod
    def for_file(cls, path: str) -> _Ignores:
        folder = Path(path).absolute().parent
        found = cls.above(str(folder))
        spec = _load(folder / ".gitignore")
        return cls(found.specs + ([(str(folder), spec)] if spec is not None else []))

    def with_directory(self, folder: str) -> _Ignores:
        spec = _load(Path(folder) / ".gitignore")
        return self if spec is None else _Ignores(self.specs + [(str(Path(folder).absolute()), spec)])

    def ignores(self, path: str, is_dir: bool = False) -> bool:
        absolute = str(Path(path).absolute())
        decided: Optional[bool] = None
        for base, spec in self.specs:
            relative = os.path.relpath(absolute, base)
            if relative.startswith(".."):
                continue
            relative = relative.replace(os.sep, "/") + ("/" if is_dir else "")
            result = spec.check_file(relative).include
            if result is not None:
                decided = result
        return bool(decided)


def _why_unreachable(path: str) -> str:
    try:
        os.stat(path)
    except OSError as error:
        if error.errno == errno.ELOOP:
            return "symbolic link loop"
    return "broken symbolic link"


def _load(path: Path) -> Optional[pathspec.GitIgnoreSpec]:
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return pathspec.GitIgnoreSpec.from_lines(handle.read().splitlines())
    except OSError:
        return None


def _walk(top: str, options: DiscoveryOptions) -> Iterator[Discovered]:
    seen: set[tuple[int, int]] = set()
    use_git = options.respect_gitignore
    above = _Ignores.above(top) if use_git else _Ignores([])
    if above.ignores(top, is_dir=True):
        above = _Ignores([])  # a folder named on the command line is linted even if git ignores it
    ignores_of: dict[str, _Ignores] = {top: above.with_directory(top) if use_git else above}
    unreadable: list[OSError] = []  # folders os.walk could not list: errors, as unreadable files are
    for root, dirs, files in os.walk(top, onerror=unreadable.append, followlinks=False):
        yield from _unreadable(unreadable)
        try:
            stat = os.stat(root)
        except OSError as error:
            dirs[:] = []
            yield Discovered(root, f"cannot read: {error.strerror or error}")
            continue
        if (stat.st_dev, stat.st_ino) in seen:
            dirs[:] = []
            continue
        seen.add((stat.st_dev, stat.st_ino))
        ignores = ignores_of.pop(root, _Ignores([]))
        kept = []
        for name in sorted(dirs):
            path = os.path.join(root, name)
            if is_excluded(path, options.exclude, is_dir=True) or os.path.exists(os.path.join(path, "pyvenv.cfg")):
                continue
            if use_git and ignores.ignores(path, is_dir=True):
                continue
            kept.append(name)
            ignores_of[path] = ignores.with_directory(path) if use_git else ignores
        dirs[:] = kept
        for name in sorted(files):
            path = os.path.join(root, name)
            if not name.endswith(".py") or is_excluded(path, options.exclude):
                continue
            if use_git and ignores.ignores(path):
                continue
            unreachable = os.path.islink(path) and not os.path.exists(path)
            yield Discovered(path, _why_unreachable(path) if unreachable else "")
    yield from _unreadable(unreadable)


def _unreadable(errors: list[OSError]) -> Iterator[Discovered]:
    """The folders the walk could not list, reported once each."""
    while errors:
        error = errors.pop(0)
        yield Discovered(str(error.filename), f"cannot read: {error.strerror or error}")
