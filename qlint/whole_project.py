"""A whole-project lint that reads each file once.

Every file's view depends on the index of its whole project, so the plain way is two
passes: read every file for the index, then lint every file with its view. On a cold
run the first pass is most of the index's cost, and it reads, gates and parses the same
files the lint does. Here one pass does both: each worker reads a file, lints it with a
view that answers nothing but writes down what the analysis asked (qlint/project/asked.py),
and summarizes it for the index with the tree CPython parsed for the engine. Once
the index is built, the workers check each file, and lint it again (they have LibCST
loaded) only if its real view answers one of those questions, or makes a rule needed
that its own text does not, that the first pass did not run and that could fire there
(qlint/project/gates.py; the prefilter weighs a queue attribute another module builds).

A run that finds the summaries in their store (a warm cache, one changed file), or
that has few files or one process, builds the index first and lints once, as before.
"""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from itertools import repeat
from pathlib import Path
from typing import TYPE_CHECKING, Optional

from qlint.cache import ResultCache, content_digest
from qlint.collector import collector_paused
from qlint.files import Discovered
from qlint.project.asked import AskingView, Question, answered
from qlint.project.context import ProjectContext, SummaryStore, by_size, index_projects, plan_projects
from qlint.project.exports import ExportsStore, exports_file
from qlint.project.gates import needed_rules, possibly_needed_besides
from qlint.project.reading import Reading, reading_of
from qlint.project.source import read_bytes
from qlint.project.view import MADE_RULES, import_words_of
from qlint.runner import POOL_THRESHOLD, FileResult, RunResult, cache_keys, read_source, run
from qlint.settings import Settings

if TYPE_CHECKING:
    from qlint.project.snapshot import Planned

# What the first pass sends back for a file: its reading for the index (None: the store
# holds it), its findings with no other module's answers (None: not linted), the questions
# it asked, the rules it ran on LibCST's tree, and the words of its import lines with the
# rules another module could make needed that are left to run (None: there are none).
Left = tuple[frozenset[str], frozenset[str]]
Pass = tuple[str, Optional[Reading], Optional[FileResult], list[Question], frozenset[str], Optional[Left]]


def run_whole_project(
    files: list[Discovered], settings: Settings, jobs: Optional[int], cache: Optional[ResultCache], edits: bool,
    given: list[str], store_file: Optional[Path], exclude: Optional[tuple[str, ...]], planned: Optional[Planned] = None,
) -> RunResult:
    """Lint `files` with the index of their projects (`given`: the paths of the command line;
    `planned`: the run's plan, when the look-up of a kept context made it; the other
    arguments as for `runner.run` and `context.build_context`)."""
    linted = [found.path for found in files if not found.error]
    projects = planned.projects if planned is not None else plan_projects(given, exclude, linted)
    state = planned.state if planned is not None else None
    store = SummaryStore(store_file)
    exports = ExportsStore(exports_file(store_file))
    held = sorted({file for files in projects.values() for file in files})
    stale = store.stale(held, exports)
    jobs = jobs or os.cpu_count() or 1
    if jobs <= 1 or len(stale) < POOL_THRESHOLD:
        store.prefetch(held, jobs, exports)
        return run(files, settings, jobs, None, cache, edits, index_projects(projects, store, exports, state))
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
        context = index_projects(projects, store, exports, state)
        # The workers check each file that has something to check (its questions, or a rule
        # another module could make needed here), in shares, on every process; and key each
        # result that stands for the cache, as a later run will look it up. A file whose
        # findings may differ is linted again with its real view by the workers (which have
        # loaded LibCST already) as soon as its share is checked: the largest first.
        work = []
        for path in by_size(linted):
            first = passes.get(os.path.abspath(path))
            if first is None or first[2] is None:
                continue  # not read: the run reports why
            settled[path] = first[2]
            if first[3] or first[5] is not None or (cache is not None and first[2].digest):
                work.append((path, first[3], first[4], first[5], first[2].digest))
        keyed = cache is not None
        count = min(len(work), jobs * 4)
        shares = [work[start::count] for start in range(count)]
        again = {}
        for checked in pool.map(_check_chunk, shares, repeat(settings), repeat(context), repeat(keyed)):
            for path, keys in checked:
                if keys is None:
                    again[path] = pool.submit(_lint_with_view, path, settings, edits, context, keyed)
                else:
                    settled[path].digest, settled[path].quick = keys
        for path, linting in again.items():
            settled[path] = linting.result()
    return run(files, settings, jobs, None, cache, edits, context, settled)


# A file to check: its path, and what the first pass found (questions, rules run, what is
# left, the digest of the bytes it was linted from).
Unchecked = tuple[str, list[Question], frozenset[str], Optional[Left], str]


def _check_chunk(
    files: list[Unchecked], settings: Settings, context: ProjectContext, keyed: bool
) -> list[tuple[str, Optional[tuple[str, str]]]]:
    """In a worker: (path, None) for each file whose findings with its real view may differ
    from the first pass's; with `keyed`, (path, its result key and quick key) for the others."""
    done: list[tuple[str, Optional[tuple[str, str]]]] = []
    for path, questions, ran, left, digest in files:
        if _may_differ(path, questions, ran, left, context, settings):
            done.append((path, None))
        elif keyed and digest:
            done.append((path, _cache_key(path, digest, context)))
    return done


def _cache_key(path: str, linted: str, context: ProjectContext) -> tuple[str, str]:
    """(result key, quick key) of the file linted from bytes of digest `linted`; ("", "") when
    its bytes changed since: the result is not kept."""
    source, _ = read_source(path)
    if source is None or content_digest(source) != linted:
        return "", ""
    return cache_keys(source, path, context, linted)


def _lint_with_view(path: str, settings: Settings, edits: bool, context: ProjectContext, keyed: bool) -> FileResult:
    """The file linted with its view of the project, and with `keyed` its keys: in a worker."""
    source, error = read_source(path)
    if source is None:
        return FileResult(errors=[error or f"{path}: cannot read"])
    from qlint.engine import FIX_EDITS, FIX_MARKS, check_source

    report = check_source(source, path, settings, fixes=FIX_EDITS if edits else FIX_MARKS, project=context.view_for(path))
    digest = content_digest(source)
    result = FileResult(report.diagnostics, report.errors, digest)
    if keyed:
        result.digest, result.quick = cache_keys(source, path, context, digest)
    return result


def _may_differ(
    path: str, questions: list[Question], ran: frozenset[str], left: Optional[Left], context: ProjectContext,
    settings: Settings,
) -> bool:
    """Whether the file's findings with its real view may differ from those of the first
    pass, which asked `questions`, ran the rules `ran` on LibCST's tree, and saw the words
    `left[0]` on its import lines, with `left[1]` the rules another module could make
    needed that did not run (None: there are none)."""
    if not questions and left is None:
        return False
    view = context.view_for(path)
    if view is None:
        return False
    if answered(questions, view):
        return True
    if left is None:
        return False
    words, codes = left
    if not view.may_need_rules(set(words), codes):
        return False
    source, _ = read_source(path)
    if source is None:
        return True
    text = source.decode("latin-1")
    extra = needed_rules(view, text, words) - ran
    if not extra <= MADE_RULES:
        return True
    if not extra:
        return False
    # Rules a queue attribute of another module makes needed: the engine weighs them with
    # the prefilter, on CPython's tree, as here (engine.check_source).
    from qlint.prefilter import possible_rules
    from qlint.project.source import UNREADABLE, parse_source

    try:
        decoded, tree = parse_source(source, path)
    except UNREADABLE:
        return True
    return bool(possible_rules(tree, extra, settings, view.in_file(path).made_classes(decoded)))


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
    """One file: read once, linted under the name `shown` if the run lints it, and read for
    the index (with the engine's tree, if it parsed one) if the store lacks it (`read`)."""
    stamp, source = read_bytes(path)
    if stamp is None or source is None:
        # Not a regular file, or unreadable: the second pass reports it, as `qlint` always does.
        return path, None, None, [], frozenset(), None
    if shown is None:
        return path, reading_of(path, stamp, source) if read else None, None, [], frozenset(), None
    from qlint.engine import FIX_EDITS, FIX_MARKS, check_source

    view = AskingView("")
    report = check_source(source, shown, settings, fixes=FIX_EDITS if edits else FIX_MARKS, project=view)
    reading = reading_of(path, stamp, source, report.tree) if read else None  # CPython's parse, once
    result = FileResult(report.diagnostics, report.errors, content_digest(source))
    # The rules that another module could make needed here and that did not run: the words
    # of the import lines tell whether the real view may need one (_may_differ).
    text = source.decode("latin-1")
    codes = possibly_needed_besides(text, report.ran)
    left = (frozenset(import_words_of(text)), codes) if codes else None
    return path, reading, result, list(view.asked), report.ran, left
