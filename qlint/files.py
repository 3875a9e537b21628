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
from typing import Iterator, Optional, Union

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
    return _matches(_compiled(patterns, is_dir), path, os.path.abspath(path))


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
    """The .gitignore files in force at a point of the walk, outermost first, each with
    its folder as a normalized absolute path."""

    def __init__(self, specs: list[tuple[str, pathspec.GitIgnoreSpec]]) -> None:
        self.specs = [(os.path.abspath(base), spec) for base, spec in specs]

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
        spec = _load(os.path.join(folder, ".gitignore"))
        return self if spec is None else _Ignores(self.specs + [(folder, spec)])

    def ignores(self, path: str, is_dir: bool = False) -> bool:
        return self.ignores_absolute(os.path.abspath(path), is_dir)

    def ignores_absolute(self, absolute: str, is_dir: bool = False) -> bool:
        """`ignores` for a normalized absolute path: each path from a folder is cut from the
        string, which is what `os.path.relpath` gives for a path inside the folder."""
        decided: Optional[bool] = None
        for base, spec in self.specs:
            if absolute == base:
                relative = "."
            elif absolute.startswith(base if base.endswith(os.sep) else base + os.sep):
                relative = absolute[len(base.rstrip(os.sep)) + 1 :]
            else:
                continue  # outside the folder: relpath would start with ".."
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


def _load(path: Union[str, Path]) -> Optional[pathspec.GitIgnoreSpec]:
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return pathspec.GitIgnoreSpec.from_lines(handle.read().splitlines())
    except OSError:
        return None


def _walk(top: str, options: DiscoveryOptions) -> Iterator[Discovered]:
    """`top`'s files as `os.walk` (top down, no symlinked folders entered) with sorted
    names would give them, but with `os.scandir`'s entries and string paths: one listing
    per folder, each path's absolute form built once (pathlib was most of a walk's cost)."""
    use_git = options.respect_gitignore
    above = _Ignores.above(top) if use_git else _Ignores([])
    if above.ignores(top, is_dir=True):
        above = _Ignores([])  # a folder named on the command line is linted even if git ignores it
    yield from _walk_folder(top, os.path.abspath(top), above, options, set())


def _walk_folder(
    folder: str, absolute: str, ignores: _Ignores, options: DiscoveryOptions, seen: set[tuple[int, int]]
) -> Iterator[Discovered]:
    """One folder (`absolute`: its normalized absolute path), then each folder kept in it.
    `ignores`: the .gitignore files above it; its own is read here."""
    use_git = options.respect_gitignore
    try:
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=lambda entry: entry.name)
    except OSError as error:  # a folder that cannot be listed is an error, as an unreadable file is
        yield Discovered(str(error.filename), f"cannot read: {error.strerror or error}")
        return
    try:
        stat = os.stat(folder)
    except OSError as error:
        yield Discovered(folder, f"cannot read: {error.strerror or error}")
        return
    if (stat.st_dev, stat.st_ino) in seen:
        return
    seen.add((stat.st_dev, stat.st_ino))
    if use_git and any(entry.name == ".gitignore" for entry in entries):
        ignores = ignores.with_directory(absolute)
    folder_patterns = _compiled(options.exclude, True)
    file_patterns = _compiled(options.exclude, False)
    # What os.path.join(folder, name) gives, by concatenation (a walk joins every name twice).
    shown = folder if folder.endswith(os.sep) else folder + os.sep
    full = absolute if absolute.endswith(os.sep) else absolute + os.sep
    kept = []
    files = []
    for entry in entries:
        name = entry.name
        try:
            is_dir = entry.is_dir()
        except OSError:
            is_dir = False
        if not is_dir:
            if name.endswith(".py"):
                files.append(entry)
            continue
        path = shown + name
        if _matches(folder_patterns, path, full + name) or os.path.exists(os.path.join(path, "pyvenv.cfg")):
            continue
        if use_git and ignores.ignores_absolute(full + name, is_dir=True):
            continue
        kept.append(entry)
    for entry in files:
        path = shown + entry.name
        if _matches(file_patterns, path, full + entry.name) or (use_git and ignores.ignores_absolute(full + entry.name)):
            continue
        unreachable = entry.is_symlink() and not os.path.exists(path)
        yield Discovered(path, _why_unreachable(path) if unreachable else "")
    for entry in kept:
        if not entry.is_symlink():
            yield from _walk_folder(shown + entry.name, full + entry.name, ignores, options, seen)


def _matches(compiled: Optional[tuple[re.Pattern[str], re.Pattern[str]]], path: str, absolute: str) -> bool:
    """`is_excluded` for a path whose normalized absolute form is known already."""
    if compiled is None:
        return False
    whole, tail = compiled
    posix = path.replace(os.sep, "/").rstrip("/")
    return bool(whole.match(posix.rsplit("/", 1)[-1]) or whole.match(posix)
                or tail.match(absolute.replace(os.sep, "/")))
