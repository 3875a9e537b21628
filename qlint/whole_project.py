"""A whole-project lint that reads each file once.

Every file's view depends on the index of its whole project, so the plain way is two
passes: read every file for the index, then lint every file with its view. On a cold
run the first pass is most of the index's cost, and it reads, gates and parses the same
files the lint does. Here one pass does both: each worker reads a file, summarizes it
for the index (sharing CPython's tree with the engine), and lints it with a view that
answers nothing but writes down what the analysis asked (qlint/project/asked.py). Once
the index is built, a file is linted again (by the same workers, which have LibCST
loaded) only if its real view answers one of those questions, or makes a rule needed
that its own text does not and the first pass did not run (qlint/project/gates.py).

A run that finds the summaries in their store (a warm cache, one changed file), or
that has few files or one process, builds the index first and lints once, as before.
"""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from itertools import repeat
from pathlib import Path
from typing import Optional

from qlint.cache import ResultCache, content_digest
from qlint.collector import collector_paused
from qlint.files import Discovered
from qlint.project.asked import AskingView, Question, answered
from qlint.project.context import ProjectContext, SummaryStore, by_size, index_projects, plan_projects
from qlint.project.exports import ExportsStore, exports_file
from qlint.project.gates import needed_rules, possibly_needed_besides
from qlint.project.reading import Reading, reading_of
from qlint.project.source import read_bytes
from qlint.project.view import ProjectView, import_words_of
from qlint.runner import POOL_THRESHOLD, FileResult, RunResult, cache_keys, read_source, run
from qlint.settings import Settings

# What the first pass sends back for a file: its reading for the index (None: the store
# holds it), its findings with no other module's answers (None: not linted), the questions
# it asked, the rules it ran on LibCST's tree, and the words of its import lines (None:
# no rule another module could make needed is left to run).
Pass = tuple[str, Optional[Reading], Optional[FileResult], list[Question], frozenset[str], Optional[frozenset[str]]]


def run_whole_project(
    files: list[Discovered], settings: Settings, jobs: Optional[int], cache: Optional[ResultCache], edits: bool,
    given: list[str], store_file: Optional[Path], exclude: Optional[tuple[str, ...]],
) -> RunResult:
    """Lint `files` with the index of their projects (`given`: the paths of the command line;
    the other arguments as for `runner.run` and `context.build_context`)."""
    linted = [found.path for found in files if not found.error]
    projects = plan_projects(given, exclude, linted)
    store = SummaryStore(store_file)
    exports = ExportsStore(exports_file(store_file))
    held = sorted({file for files in projects.values() for file in files})
    stale = store.stale(held, exports)
    jobs = jobs or os.cpu_count() or 1
    if jobs <= 1 or len(stale) < POOL_THRESHOLD:
        store.prefetch(held, jobs, exports)
        return run(files, settings, jobs, None, cache, edits, index_projects(projects, store, exports))
    # Each file once, by the name the run shows it under (the index knows it by its absolute path).
    shown = {os.path.abspath(path): path for path in linted}
    read = frozenset(stale)
    order = by_size(sorted(set(shown) | read))
    count = min(len(order), max(jobs * 4, len(order) // 32))
    # Each file with its flag, not the set of files to read with every chunk (it pickled at
    # every task: 0.5 MB for the corpus, 210 times).
    chunks = [[(path, shown.get(path), path in read) for path in order[start::count]] for start in range(count)]
    passes: dict[str, Pass] = {}
    settled: dict[str, FileResult] = {}
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        for done in pool.map(_first_pass_chunk, chunks, repeat(settings), repeat(edits)):
            for found in done:
                path, reading = found[0], found[1]
                passes[path] = found
                if reading is not None and reading[1] is not None:
                    store.keep(path, reading[1], reading[2])
                    exports.keep(path, reading[1], reading[3])
        context = index_projects(projects, store, exports)
        # A file that may differ is linted again by the workers (which have loaded LibCST
        # already) as soon as it is found, while the rest are checked; the largest first,
        # so that no big file starts last.
        again = {}
        for path in by_size(linted):
            first = passes.get(os.path.abspath(path))
            if first is None or first[2] is None:
                continue  # not read: the run reports why
            if _may_differ(path, first[3], first[4], first[5], context):
                again[path] = pool.submit(_lint_with_view, path, settings, edits, context.view_for(path))
            else:
                settled[path] = first[2]
        settled.update((path, linting.result()) for path, linting in again.items())
        if cache is not None:  # keyed as a later run will look them up: with the file's view, by the workers
            kept = [(path, result.digest) for path, result in settled.items() if result.digest]
            parts = [kept[start :: jobs * 2] for start in range(jobs * 2)]
            for keys in pool.map(_cache_keys_chunk, parts, repeat(context)):
                for path, digest, quick in keys:
                    settled[path].digest, settled[path].quick = digest, quick
    return run(files, settings, jobs, None, cache, edits, context, settled)


def _cache_keys_chunk(files: list[tuple[str, str]], context: ProjectContext) -> list[tuple[str, str, str]]:
    """(path, result key, quick key) of each (path, digest of the bytes it was linted from):
    in a worker. A file whose bytes changed since is not kept: ("", "")."""
    keys = []
    for path, linted in files:
        source, _ = read_source(path)
        if source is None or content_digest(source) != linted:
            keys.append((path, "", ""))
        else:
            keys.append((path, *cache_keys(source, path, context, linted)))
    return keys


def _lint_with_view(path: str, settings: Settings, edits: bool, view: Optional[ProjectView]) -> FileResult:
    """The file linted with its view of the project: in a worker."""
    source, error = read_source(path)
    if source is None:
        return FileResult(errors=[error or f"{path}: cannot read"])
    from qlint.engine import FIX_EDITS, FIX_MARKS, check_source

    report = check_source(source, path, settings, fixes=FIX_EDITS if edits else FIX_MARKS, project=view)
    return FileResult(report.diagnostics, report.errors, content_digest(source))


def _may_differ(
    path: str, questions: list[Question], ran: frozenset[str], words: Optional[frozenset[str]], context: ProjectContext
) -> bool:
    """Whether the file's findings with its real view may differ from those of the first
    pass, which asked `questions`, ran the rules `ran` on LibCST's tree, and saw `words` on
    its import lines (None: no rule another module could make needed was left to run)."""
    if not questions and words is None:
        return False
    view = context.view_for(path)
    if view is None:
        return False
    if answered(questions, view):
        return True
    if words is None or not view.may_need_rules(set(words)):
        return False
    source, _ = read_source(path)
    return source is None or bool(needed_rules(view, source.decode("latin-1"), words) - ran)


def _first_pass_chunk(paths: list[tuple[str, Optional[str], bool]], settings: Settings, edits: bool) -> list[Pass]:
    """Each (absolute path, the name the run lints it under or None, whether the store lacks
    its reading) of a chunk: in a worker, without the garbage collector walking each file's
    trees as they grow (qlint/collector.py)."""
    done = []
    for path, shown, read in paths:
        with collector_paused():
            done.append(_first_pass(path, shown, settings, edits, read))
    return done


def _first_pass(path: str, shown: Optional[str], settings: Settings, edits: bool, read: bool) -> Pass:
    """One file: read once, summarized for the index if the store lacks it (`read`), and
    linted under the name `shown` if the run lints it."""
    stamp, source = read_bytes(path)
    if stamp is None or source is None:
        # Not a regular file, or unreadable: the second pass reports it, as `qlint` always does.
        return path, None, None, [], frozenset(), None
    reading, tree = reading_of(path, stamp, source) if read else (None, None)
    if shown is None:
        return path, reading, None, [], frozenset(), None
    from qlint.engine import FIX_EDITS, FIX_MARKS, check_source

    view = AskingView("")
    report = check_source(source, shown, settings, fixes=FIX_EDITS if edits else FIX_MARKS, project=view, tree=tree)
    result = FileResult(report.diagnostics, report.errors, content_digest(source))
    # A rule that another module could make needed here and that did not run: the words of
    # the import lines tell whether the real view may need it (_may_differ).
    text = source.decode("latin-1")
    words = frozenset(import_words_of(text)) if possibly_needed_besides(text, report.ran) else None
    return path, reading, result, list(view.asked), report.ran, words
