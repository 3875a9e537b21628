"""Many files: read, lint (or fix) in a process pool, return results in a stable order.

The engine (and LibCST with it) is imported only when a file has to be linted: a run
whose every file is in the cache never pays for it, nor for the process pool's modules,
the screen, or the project index's (a warm run imports little more than the cache).
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Optional

from qlint.cache import ResultCache, content_digest, settled_stamp
from qlint.diagnostic import Diagnostic, Problem
from qlint.files import Discovered
from qlint.settings import Settings

if TYPE_CHECKING:
    from qlint.project.context import ProjectContext

# Below this many files a pool costs more than it saves.
POOL_THRESHOLD = 8


@dataclass(frozen=True)
class FixMode:
    """`--fix` (write) or `--diff` (show), with or without the unsafe fixes."""

    unsafe: bool = False
    write: bool = True


@dataclass
class FileResult:
    """What one file gave, as plain data a worker can send back."""

    diagnostics: list[Diagnostic] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    digest: str = ""  # of the bytes linted; "" if the file could not be read
    fixed: int = 0
    diff: str = ""
    quick: str = ""  # the cache's quick key (quick_key), when found where the bytes were read


@dataclass
class RunResult:
    diagnostics: list[Diagnostic] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    fixed: int = 0
    diffs: list[str] = field(default_factory=list)  # unified diffs, in path order
    files_fixed: int = 0


def read_source(path: str) -> tuple[Optional[bytes], Optional[str]]:
    try:
        mode = os.stat(path).st_mode
        if not stat.S_ISREG(mode):
            return None, f"{path}: not a regular file"
        with open(path, "rb") as handle:
            return handle.read(), None
    except OSError as error:
        return None, f"{path}: cannot read: {error.strerror or error}"


def lint_file(
    path: str, settings: Settings, fix_mode: Optional[FixMode] = None, edits: bool = True,
    project: Optional[ProjectContext] = None, screen_first: bool = False,
) -> FileResult:
    """Lint one file on disk, fixing it if asked; never raises on bad input. `edits`: give
    each fix its text edits (json and sarif show them; text output only marks fixes).
    `project`: the run's whole-project context (qlint/project/), None for per-file semantics.
    `screen_first`: ask `qlint.screen` before loading the engine, which pays for a run of a
    few files (pre-commit, an editor): most files hold no queue, and LibCST never loads."""
    source, error = read_source(path)
    if source is None:
        return FileResult(errors=[error or f"{path}: cannot read"])
    digest, quick = cache_keys(source, path, project)
    if fix_mode is None:
        from qlint.screen import Verdict, screen

        view = project.view_for(path) if project is not None else None
        verdict = screen(source, path, settings, view) if screen_first else Verdict(True)
        if not verdict.may_fire:
            return FileResult([], [], digest, quick=quick)  # what the engine would find
        from qlint.engine import FIX_EDITS, FIX_MARKS, check_source

        report = check_source(
            source, path, settings, fixes=FIX_EDITS if edits else FIX_MARKS, project=view, tree=verdict.tree
        )
        return FileResult(report.diagnostics, report.errors, digest, quick=quick)
    from qlint.fix import fix_source

    view = project.view_for(path) if project is not None else None
    outcome = fix_source(source, path, settings, unsafe=fix_mode.unsafe, edits=edits, project=view)
    result = FileResult(outcome.report.diagnostics, outcome.report.errors + outcome.errors, digest, outcome.fixed)
    if outcome.source == source:
        return result
    if fix_mode.write:
        try:
            write_atomically(path, outcome.source)
        except OSError as failure:  # the file keeps its bugs: report them as they are
            from qlint.engine import FIX_EDITS, FIX_MARKS, check_source

            report = check_source(source, path, settings, fixes=FIX_EDITS if edits else FIX_MARKS, project=view)
            error = f"{path}: cannot write the fixed file: {failure.strerror or failure}"
            return FileResult(report.diagnostics, [*report.errors, error], digest)
    else:
        result.diff = unified_diff(path, source, outcome.source)
    return result


def write_atomically(path: str, data: bytes) -> None:
    """Replace the file's bytes in one step (temporary file + rename), keeping its mode."""
    import tempfile

    target = os.path.realpath(path)  # a symlink stays a symlink; its target changes
    mode = stat.S_IMODE(os.stat(target).st_mode)
    if not os.access(target, os.W_OK) or not mode & stat.S_IWUSR:  # read-only: not ours to replace
        raise PermissionError(errno.EACCES, "the file is read-only")
    folder, name = os.path.split(target)
    handle, temporary = tempfile.mkstemp(prefix=f".{name}.", suffix=".qlint", dir=folder or ".")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.chmod(temporary, mode)
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def unified_diff(path: str, before: bytes, after: bytes) -> str:
    """A unified diff of two versions of a file, as `git diff` and `ruff --diff` print it."""
    import difflib

    from qlint.screen import decode

    old, new = decode(before).splitlines(keepends=True), decode(after).splitlines(keepends=True)
    lines = []
    for line in difflib.unified_diff(old, new, fromfile=path, tofile=path):
        lines.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(lines)


def result_key(source: bytes, path: str, project: Optional[ProjectContext]) -> str:
    """What a cached result is keyed on: the bytes, and the project's answers the file may use."""
    extra = project.key_for(path, source) if project is not None else ""
    return content_digest(source) + (f":{extra}" if extra else "")


def quick_key(source: bytes, path: str, project: Optional[ProjectContext]) -> str:
    """The cache's quick key of a file (qlint.cache): its bytes, and every answer of its
    project; no text is narrowed. Alone (no project), the same as `result_key`."""
    quick = project.quick_key_for(path) if project is not None else ""
    return content_digest(source) + (f":{quick}" if quick else "")


def cache_keys(
    source: bytes, path: str, project: Optional[ProjectContext], content: Optional[str] = None
) -> tuple[str, str]:
    """`result_key` and `quick_key` of a file, its bytes hashed once (`content`: their
    `content_digest`, when the caller has it)."""
    content = content_digest(source) if content is None else content
    extra = project.key_for(path, source) if project is not None else ""
    quick = project.quick_key_for(path) if project is not None else ""
    return content + (f":{extra}" if extra else ""), content + (f":{quick}" if quick else "")


def _lint_chunk(
    paths: list[str], settings: Settings, fix_mode: Optional[FixMode], edits: bool,
    project: Optional[ProjectContext] = None,
) -> list[FileResult]:
    return [lint_file(path, settings, fix_mode, edits, project) for path in paths]


# A worker's settings, fix mode, need for edits and project context: sent once, when the pool starts.
_worker_job: tuple[Settings, Optional[FixMode], bool, Optional[ProjectContext]] = (Settings(), None, True, None)


def _start_worker(settings: Settings, fix_mode: Optional[FixMode], edits: bool, project: Optional[ProjectContext]) -> None:
    global _worker_job
    _worker_job = (settings, fix_mode, edits, project)


def _lint_chunk_in_worker(paths: list[str]) -> list[FileResult]:
    return _lint_chunk(paths, *_worker_job)


def run(
    files: list[Discovered],
    settings: Settings,
    jobs: Optional[int] = None,
    fix_mode: Optional[FixMode] = None,
    cache: Optional[ResultCache] = None,
    edits: bool = True,
    project: Optional[ProjectContext] = None,
    settled: Optional[dict[str, FileResult]] = None,
) -> RunResult:
    """Lint (or fix) `files`; the result does not depend on `jobs`, nor on the cache.

    `edits`: whether the output shows each fix's text edits (json, sarif); without them a
    plain lint never renders a module. A cache entry stored without edits does not serve
    a run that needs them. `settled`: results the run has already (qlint/whole_project.py).
    """
    result = RunResult()
    paths: list[str] = []
    for found in files:
        if found.error:
            result.errors.append(Problem(found.path, found.error))
        else:
            paths.append(found.path)
    outcomes: dict[str, FileResult] = {}
    missing = [path for path in paths if path not in (settled or {})]
    quick: dict[str, str] = {}  # path -> its quick key (qlint.cache), when the cache is used
    # path -> its settled stamp, taken before the run first read it
    stamps: dict[str, list[int]] = dict(cache.stamps) if cache is not None else {}
    if cache is not None and fix_mode is None:
        for path in missing:
            stamp = stamps.get(path) or settled_stamp(path)
            if stamp is not None:
                stamps[path] = stamp
                hit = cache.lookup_unread(
                    path, stamp, project.quick_key_for(path) if project is not None else "", edits=edits
                )
                if hit is not None:  # the stamp stands for the bytes: nothing to read
                    outcomes[path] = FileResult(hit[0], hit[1])
                    continue
            source, _ = read_source(path)
            if source is None:
                continue
            quick[path] = quick_key(source, path, project)
            hit = cache.lookup(path, quick[path], edits=edits, quick=True)
            if hit is None:  # the project changed somewhere: is this file's own key the same?
                hit = cache.lookup(path, result_key(source, path, project), edits=edits)
                if hit is not None:
                    cache.note_quick(path, quick[path])
            if hit is not None:
                outcomes[path] = FileResult(hit[0], hit[1])
                if stamp is not None:
                    cache.note_stamp(path, stamp)
    missing = [path for path in missing if path not in outcomes]
    jobs = jobs or os.cpu_count() or 1
    if len(missing) < POOL_THRESHOLD:  # a few files: most hold no queue, and need no LibCST
        linted = [lint_file(path, settings, fix_mode, edits, project, screen_first=True) for path in missing]
    elif jobs <= 1:
        linted = _lint_chunk(missing, settings, fix_mode, edits, project)
    else:
        from concurrent.futures import ProcessPoolExecutor

        size = max(1, len(missing) // (jobs * 8))
        chunks = [missing[i : i + size] for i in range(0, len(missing), size)]
        with ProcessPoolExecutor(max_workers=jobs, initializer=_start_worker, initargs=(settings, fix_mode, edits, project)) as pool:
            linted = [o for chunk in pool.map(_lint_chunk_in_worker, chunks) for o in chunk]
    for path, outcome in [*zip(missing, linted), *(settled or {}).items()]:
        outcomes[path] = outcome
        if cache is not None and fix_mode is None and outcome.digest:
            if path not in quick and outcome.quick:
                quick[path] = outcome.quick
            if path not in quick:
                source, _ = read_source(path)
                quick[path] = quick_key(source, path, project) if source is not None else ""
            # Kept only if the file did not change from before its first read until now.
            stamp = stamps.get(path)
            kept = stamp if stamp is not None and settled_stamp(path) == stamp else None
            cache.store(path, outcome.digest, outcome.diagnostics, outcome.errors, edits=edits, quick=quick[path],
                        stamp=kept)
    for path in paths:
        outcome = outcomes[path]
        result.diagnostics.extend(outcome.diagnostics)
        result.errors.extend(Problem.of(path, error) for error in outcome.errors)
        result.fixed += outcome.fixed
        result.files_fixed += bool(outcome.fixed)
        if outcome.diff:
            result.diffs.append(outcome.diff)
    result.diagnostics.sort()
    if cache is not None:
        cache.save()
    return result
