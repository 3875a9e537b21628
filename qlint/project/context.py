"""The projects of a run: their indexes, built once (summaries cached on disk), and each
file's view, as plain data the worker processes receive once.

Every surface builds the index of a file's whole project, whatever paths it was given:
`qlint dir/`, `qlint dir/file.py`, the flake8 plugin and pre-commit (which passes only
the changed files) see the same joins and report the same findings. The files of a
project are those `qlint ROOT` would lint by default (`.gitignore` honoured, virtual
environments, `build`, ... skipped), with the run's exclusions (`[tool.qlint]` and
`--exclude`/`--extend-exclude`): an excluded file is neither reported nor read.

The index's modules (and CPython's `ast` with them) are imported only when an index is
built: a run that finds its context kept (qlint/project/snapshot.py) does not need them.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional, Sequence, Union

from qlint.collector import collector_paused
from qlint.project.layout import ROOT_MARKERS, find_root
from qlint.project.stored import JsonStore, stamp_of
from qlint.project.view import Location, MadeQueue, ProjectView, Target

if TYPE_CHECKING:
    from qlint.project.exports import ExportsStore
    from qlint.project.index import ProjectIndex
    from qlint.project.reading import Reading
    from qlint.project.summary import ModuleSummary


@dataclass
class ProjectContext:
    """Each linted file's view of its project (absolute path -> view); files with nothing to
    learn are absent. `unknown`: per project root, joins through a receiver of unknown class."""

    views: dict[str, ProjectView] = field(default_factory=dict)
    roots: dict[str, str] = field(default_factory=dict)  # absolute path -> its project root
    unknown: dict[str, dict[str, Location]] = field(default_factory=dict)
    targets: dict[str, dict[str, Target]] = field(default_factory=dict)  # per project root
    made: dict[str, dict[str, MadeQueue]] = field(default_factory=dict)  # per project root
    modules: dict[str, str] = field(default_factory=dict)  # absolute path -> its module name
    _root_digests: dict[str, str] = field(default_factory=dict, compare=False)  # quick_key_for's, per project root
    # quick_key_for's answers, per absolute path (a context is not changed once built): a kept
    # context (qlint/project/snapshot.py) brings them along, so a warm run digests no answers.
    quick_keys: dict[str, str] = field(default_factory=dict, compare=False)

    def view_for(self, path: str) -> Optional[ProjectView]:
        absolute = os.path.abspath(path)
        view = self.views.get(absolute)
        unknown = self.unknown.get(self.roots.get(absolute, ""), {})
        targets = self.targets.get(self.roots.get(absolute, ""), {})
        made = self.made.get(self.roots.get(absolute, ""), {})
        if view is None and not unknown and not targets and not made:
            return None
        if view is None:
            view = ProjectView(self.modules.get(absolute, ""), self.roots.get(absolute, ""))
        return ProjectView(view.module, view.root, view.globals, view.attributes, view.parameters, unknown, targets, made)

    def quick_key_for(self, path: str) -> str:
        """A digest that changes whenever `key_for` may, for unchanged bytes, without reading
        the text: the file's own answers and every answer its project holds for any file.
        A cached result found under it needs no narrowing (the cheap first look-up)."""
        absolute = os.path.abspath(path)
        known = self.quick_keys.get(absolute)
        if known is not None:
            return known
        root = self.roots.get(absolute, "")
        if root not in self._root_digests:
            data = [
                sorted(self.unknown.get(root, {}).items()),
                sorted([name, list(target[0:1]) + list(target[1])] for name, target in self.targets.get(root, {}).items()),
                sorted([name, list(made)] for name, made in self.made.get(root, {}).items()),
            ]
            self._root_digests[root] = hashlib.sha256(json.dumps(data).encode()).hexdigest()[:16]
        own = self.views.get(absolute)
        answers = [] if own is None else [
            sorted(own.globals.items()),
            sorted([list(k), v] for k, v in own.attributes.items()),
            sorted([list(k), v] for k, v in own.parameters.items()),
        ]
        data = [self.modules.get(absolute, ""), root, self._root_digests[root], answers]
        self.quick_keys[absolute] = hashlib.sha256(json.dumps(data).encode()).hexdigest()[:16]
        return self.quick_keys[absolute]

    def key_for(self, path: str, source: Union[str, bytes]) -> str:
        """What a cached result of `path` depends on besides its bytes: the digest of the
        answers it may use ("" when there are none). A join of unknown receiver class counts
        only when its attribute name is in the file's text."""
        view = self.view_for(path)
        if view is None:
            return ""
        text = source if isinstance(source, str) else source.decode("latin-1")
        view.narrowed(text)
        if not view.answers():
            return ""
        return view.digest()


class SummaryStore(JsonStore):
    """Summaries kept between runs (qlint/project/stored.py), by gate and path."""

    def read(self, path: str, gated: bool) -> Optional[ModuleSummary]:
        from qlint.project.index import summarize_file
        from qlint.project.summary import ModuleSummary

        key = f"{int(gated)}{path}"
        stamp = stamp_of(path)
        if stamp is None:
            return None
        if self.fresh(key, stamp):
            data = self.entries[key][1]
            try:
                return None if data is None else ModuleSummary.from_json(data)
            except (TypeError, ValueError, KeyError, AttributeError):
                pass
        summary = summarize_file(path, gated)
        self.put(key, stamp, None if summary is None else summary.to_json())
        return summary

    def stale(self, paths: list[str], exports: Optional[ExportsStore] = None) -> list[str]:
        """The files of `paths` whose summary (or exports) the stores do not hold as they are now."""
        wanted = []
        for path in paths:
            stamp = stamp_of(path)
            if stamp is not None and not (self.fresh(f"1{path}", stamp) and (exports is None or exports.fresh(path, stamp))):
                wanted.append(path)
        return wanted

    def keep(self, path: str, stamp: list[int], summary: Any) -> None:
        """What a worker read (`ModuleSummary.to_json()` or None) for the file whose stamp was `stamp`."""
        self.put(f"1{path}", stamp, summary)

    def prefetch(self, paths: list[str], jobs: int, exports: Optional[ExportsStore] = None) -> None:
        """Read what the stores do not hold yet: each file's summary and exports from one
        read and one parse (qlint/project/reading.py), in `jobs` processes when there are
        enough, largest files dealt round first (a few big test files cost most of
        building an index). Both are kept, so that a file whose exports the index never
        asks for (its module name is ambiguous) is not read again on the next run."""
        wanted = self.stale(paths, exports)
        if not wanted:
            return
        if jobs <= 1 or len(wanted) < _POOL_THRESHOLD:
            readings = _read_chunk(wanted)
        else:
            from concurrent.futures import ProcessPoolExecutor

            order = by_size(wanted)
            count = max(jobs * 4, len(order) // _CHUNK_FILES)
            chunks = [order[start::count] for start in range(count)]
            with ProcessPoolExecutor(max_workers=jobs) as pool:
                readings = [reading for chunk in pool.map(_read_chunk, chunks) for reading in chunk]
        for path, stamp, data, exported in readings:
            if stamp is not None:
                self.keep(path, stamp, data)
                if exports is not None:
                    exports.keep(path, stamp, exported)


# Below this many files to read, a pool costs more than it saves.
_POOL_THRESHOLD = 8
_CHUNK_FILES = 32  # files a worker reads at a time


def _read_chunk(paths: list[str]) -> list[Reading]:
    """The reading of each file (qlint/project/reading.py): in a worker, without the
    garbage collector walking each file's tree as it grows (qlint/collector.py)."""
    from qlint.project.reading import reading_of
    from qlint.project.source import read_bytes

    done = []
    for path in paths:
        stamp, source = read_bytes(path)
        with collector_paused():
            found = reading_of(path, stamp, source) if stamp is not None and source is not None else None
        done.append(found or (path, None, None, None))
    return done


def by_size(paths: list[str]) -> list[str]:
    """Largest files first: a few big ones take most of the time, and should not come last."""
    def size(path: str) -> int:
        try:
            return os.stat(path).st_size
        except OSError:
            return 0

    return sorted(paths, key=size, reverse=True)


def project_files(root: str, exclude: Optional[tuple[str, ...]] = None, walked: Optional[list[str]] = None) -> list[str]:
    """The files of a project: what `qlint ROOT` lints, with the run's exclusions, but for
    the folders below it that hold a project of their own (a pyproject.toml). `walked`: the
    files the run found walking ROOT already, with the same exclusions, as absolute paths."""
    from qlint.files import DEFAULT_EXCLUDE, DiscoveryOptions, discover

    options = DiscoveryOptions(exclude=DEFAULT_EXCLUDE if exclude is None else exclude)
    root = os.path.abspath(root)
    nested: dict[str, bool] = {root: False}

    def inside_another(folder: str) -> bool:
        """A folder below the root with its own pyproject.toml holds another project."""
        if folder not in nested:
            parent = os.path.dirname(folder)
            own = any(os.path.isfile(os.path.join(folder, marker)) for marker in ROOT_MARKERS)
            nested[folder] = own or (parent != folder and inside_another(parent))
        return nested[folder]

    if walked is None:
        walked = [os.path.abspath(found.path) for found in discover([root], options) if not found.error]
    return [file for file in walked if not inside_another(os.path.dirname(file))]


def build_context(
    paths: list[str], store_file: Optional[Path] = None, exclude: Optional[tuple[str, ...]] = None, jobs: int = 1,
    linted: Sequence[str] = (),
) -> ProjectContext:
    """The context of a run over `paths` (files or folders): the index of each one's project.
    `store_file`: where summaries are kept between runs (qlint.cache.summary_store), None: nowhere;
    `exclude`: the run's exclusion patterns (default: qlint's); `jobs`: processes for a cold start;
    `linted`: the files the run lints, some perhaps in projects nested below the paths."""
    from qlint.project.exports import ExportsStore, exports_file

    projects = plan_projects(paths, exclude, linted)
    store = SummaryStore(store_file)
    exports = ExportsStore(exports_file(store_file))
    store.prefetch(sorted({file for files in projects.values() for file in files}), jobs, exports)
    return index_projects(projects, store, exports)


def plan_projects(paths: list[str], exclude: Optional[tuple[str, ...]] = None, linted: Sequence[str] = ()
                  ) -> dict[str, list[str]]:
    """The projects of a run over `paths` (see build_context): each root and its files."""
    projects: dict[str, list[str]] = {}
    walked: dict[str, list[str]] = {}  # a folder given -> the files the run found in it (absolute)
    absolute = [os.path.abspath(path) for path in linted]  # once: a run lints thousands of files
    for path in paths if linted else ():
        if os.path.isdir(path):
            folder = os.path.abspath(path)
            walked[folder] = [f for f in absolute if f.startswith(folder + os.sep)]
    for path in sorted(paths):
        root = find_root(path)
        if root not in projects:
            projects[root] = project_files(root, exclude, walked.get(root))
        if not _holds(projects[root], path):
            # The root's own rules leave the path out (a git work tree that ignores it, as
            # pyenv's ignores its Pythons): the folder given is the project.
            root = os.path.abspath(path if os.path.isdir(path) else os.path.dirname(path) or ".")
            if root not in projects:
                projects[root] = project_files(root, exclude, walked.get(root))
    # A linted file in a project of its own below a folder given (`qlint fixtures/` and
    # fixtures/projects/cycle/pyproject.toml): judged with that project, as when named alone.
    held = {file for files in projects.values() for file in files}
    for file in absolute:
        if file not in held:
            root = find_root(file)
            if root not in projects and any(os.path.isfile(os.path.join(root, m)) for m in ROOT_MARKERS):
                projects[root] = project_files(root, exclude)
                held.update(projects[root])
    return projects


def index_projects(
    projects: dict[str, list[str]], store: SummaryStore, exports: ExportsStore, state: Optional[str] = None
) -> ProjectContext:
    """The context of `projects`, from the summaries and exports in the stores (what they
    lack is read as the index asks); the stores are saved, and the context is kept beside
    them for a run that finds nothing changed (qlint/project/snapshot.py), under `state`:
    the projects' `state_of`, when the caller took it already."""
    from qlint.project.index import ProjectIndex
    from qlint.project.snapshot import save_context, snapshot_file, state_of

    kept = snapshot_file(store.file)
    if kept is None:
        state = ""
    elif state is None:
        state = state_of(projects)  # before the index reads any file
    context = ProjectContext()
    for root, files in sorted(projects.items()):
        if files:
            with collector_paused():  # the summaries read as the index asks are parsed here
                add_index(context, ProjectIndex.build(root, files, read=store.read, read_exports=exports.read))
    store.save()
    exports.save()
    save_context(kept, state, context)
    return context


def _holds(files: list[str], path: str) -> bool:
    """Whether the project's `files` include the file `path`, or some file under the folder `path`."""
    absolute = os.path.abspath(path)
    if not os.path.isdir(absolute):
        return absolute in files
    return any(file.startswith(absolute + os.sep) for file in files)


def add_index(context: ProjectContext, index: ProjectIndex) -> None:
    for path, view in index.views.items():
        context.roots[path] = index.root
        context.modules[path] = view.module
        if view.globals or view.attributes or view.parameters:
            context.views[path] = view
    if index.unknown:
        context.unknown[index.root] = dict(index.unknown)
    if index.targets:
        context.targets[index.root] = dict(index.targets)
    if index.made:
        context.made[index.root] = dict(index.made)


def digest_of(context: ProjectContext) -> str:
    """A digest of the whole context (for tests and debugging)."""
    data = sorted((path, view.digest()) for path, view in context.views.items())
    return hashlib.sha256(json.dumps([data, sorted(context.unknown.items())]).encode()).hexdigest()[:16]
