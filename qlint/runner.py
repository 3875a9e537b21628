"""Many files: read, lint in a process pool, return results in a stable order."""

from __future__ import annotations

import os
import stat
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Optional

from qlint.diagnostic import Diagnostic
from qlint.engine import check_source
from qlint.files import Discovered
from qlint.settings import Settings

# Below this many files a pool costs more than it saves.
_POOL_THRESHOLD = 8


@dataclass
class RunResult:
    diagnostics: list[Diagnostic] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _lint_path(path: str, settings: Settings) -> tuple[list[Diagnostic], list[str]]:
    try:
        mode = os.stat(path).st_mode
        if not stat.S_ISREG(mode):
            return [], [f"{path}: not a regular file"]
        with open(path, "rb") as handle:
            source = handle.read()
    except OSError as error:
        return [], [f"{path}: cannot read: {error.strerror or error}"]
    report = check_source(source, path, settings)
    return report.diagnostics, report.errors


def _lint_chunk(paths: list[str], settings: Settings) -> list[tuple[list[Diagnostic], list[str]]]:
    return [_lint_path(path, settings) for path in paths]


def run(files: list[Discovered], settings: Settings, jobs: Optional[int] = None) -> RunResult:
    """Lint `files`; the result does not depend on `jobs`."""
    result = RunResult()
    paths = []
    for found in files:
        if found.error:
            result.errors.append(f"{found.path}: {found.error}")
        else:
            paths.append(found.path)
    jobs = jobs or os.cpu_count() or 1
    if jobs <= 1 or len(paths) < _POOL_THRESHOLD:
        outcomes = _lint_chunk(paths, settings)
    else:
        size = max(1, len(paths) // (jobs * 8))
        chunks = [paths[i : i + size] for i in range(0, len(paths), size)]
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            outcomes = [o for chunk in pool.map(_lint_chunk, chunks, [settings] * len(chunks)) for o in chunk]
    for diagnostics, errors in outcomes:
        result.diagnostics.extend(diagnostics)
        result.errors.extend(errors)
    result.diagnostics.sort()
    return result
