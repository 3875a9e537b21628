"""The flake8 surface: `flake8 --select QL` runs the same engine, with the same
`[tool.qlint]`, on flake8's lines.

Editors run flake8 on every save, so loading the plugin costs nothing: the engine (and
LibCST with it) is imported only when a file holds a word that can make a name a queue
(qlint/evidence.py), and each project's configuration is read once per process. The
engine's own gates decide the rest, once per file: the rules' text gates, then the tree
gate on flake8's tree, as in `qlint`.

`flake8 --jobs N` forks its workers after handing the plugin its options: the project
view and the engine are made ready then, once, for all of them, and frozen for the
cyclic collector, which each worker's collections then skip.
"""

from __future__ import annotations

import argparse
import ast
import functools
import gc
import os
from pathlib import Path
from typing import TYPE_CHECKING, Iterator, Optional, Union

from qlint import __version__
from qlint.cache import CACHE_DIR_NAME, summary_store
from qlint.config import (
    ConfigError,
    FileConfig,
    build_settings,
    find_config,
    load_config,
)
from qlint.evidence import may_hold_a_queue
from qlint.files import DEFAULT_EXCLUDE
from qlint.settings import Settings

if TYPE_CHECKING:
    from qlint.project.context import ProjectContext
    from qlint.project.view import ProjectView

Finding = tuple[int, int, str, type]


@functools.cache
def settings_for(folder: str) -> Union[Settings, str]:
    """The settings the `qlint` command would use in `folder`, or the one-line error why not."""
    try:
        found = find_config(Path(folder))
        return build_settings(load_config(found) if found is not None else FileConfig())
    except ConfigError as error:
        return str(error)


@functools.cache
def project_for(paths: tuple[str, ...], flake8_excluded: tuple[str, ...] = ()) -> ProjectContext:
    """The projects of `paths` (flake8's own arguments, or one root), built on first use in
    this process (their summaries cached where `qlint` keeps its cache), as `qlint PATHS`
    builds them; without the files flake8 excludes (`flake8_excluded`: its `--exclude` and
    `--extend-exclude` globs, which qlint matches the same way), which it does not lint."""
    from qlint.project.context import build_context

    first = os.path.abspath(paths[0])
    folder = first if os.path.isdir(first) else os.path.dirname(first)
    settings = settings_for(folder)
    found = find_config(Path(folder))
    config = load_config(found) if found is not None and not isinstance(settings, str) else FileConfig()
    exclude = tuple((config.exclude if config.exclude is not None else list(DEFAULT_EXCLUDE)) + config.extend_exclude)
    return build_context(list(paths), summary_store(_cache_folder(folder)), exclude + flake8_excluded)


def _cache_folder(root: str) -> Path:
    """`$QLINT_CACHE_DIR`, else `.qlint_cache` beside the pyproject.toml that configures the project."""
    if os.environ.get("QLINT_CACHE_DIR"):
        return Path(os.environ["QLINT_CACHE_DIR"])
    found = find_config(Path(root))
    return (found.resolve().parent if found is not None else Path.cwd()) / CACHE_DIR_NAME


def _forks_workers(options: argparse.Namespace, given: tuple[str, ...]) -> bool:
    """Whether flake8 will fork workers that each lint named files: more than one job, a
    folder or several files given (else flake8 runs serially), `fork` as the start method."""
    jobs = getattr(options, "jobs", None)
    count = (os.cpu_count() or 1) if getattr(jobs, "is_auto", False) else getattr(jobs, "n_jobs", 1)
    if not isinstance(count, int) or count < 2 or "-" in given:
        return False
    if len(given) < 2 and not os.path.isdir(given[0]):
        return False
    if os.environ.get("QLINT_ISOLATED_MODULES", "") not in ("", "0"):
        return False
    import multiprocessing

    # What flake8's Pool will use, asked without fixing it (the first method is the default).
    method = multiprocessing.get_start_method(allow_none=True) or multiprocessing.get_all_start_methods()[0]
    return method == "fork"


def _prepare_for_workers(given: tuple[str, ...], excluded: tuple[str, ...]) -> None:
    """Build the project view of flake8's paths and import the engine in the process that
    forks the workers: each would build and import its own, on its first file (every named
    file asks for the view). A failure here is left for the file that meets it again."""
    try:
        project_for(given, excluded)
        import qlint.engine  # noqa: F401  (LibCST with it)
    except Exception:
        return
    # What the workers inherit lives as long as they do: frozen, their cyclic collections
    # (flake8 allocates a tree per file) do not walk it again and again.
    gc.collect()
    gc.freeze()


class QlintChecker:
    """flake8 AST plugin. flake8 applies its own `# noqa`, `--select` and per-file ignores on top."""

    name = "qlint"
    version = __version__
    given: tuple[str, ...] = (".",)  # flake8's paths (`parse_options`), for the project view
    excluded: tuple[str, ...] = ()  # flake8's exclusion globs

    @classmethod
    def parse_options(cls, options: argparse.Namespace) -> None:
        """flake8 hands every plugin its options, the paths to check and exclude among them."""
        cls.given = tuple(sorted(getattr(options, "filenames", None) or ["."]))
        excluded = [*(getattr(options, "exclude", None) or []), *(getattr(options, "extend_exclude", None) or [])]
        cls.excluded = tuple(pattern for pattern in excluded if isinstance(pattern, str) and pattern)
        if _forks_workers(options, cls.given):
            _prepare_for_workers(cls.given, cls.excluded)

    def __init__(self, tree: ast.AST, filename: str, lines: list[str]) -> None:
        self.filename = filename
        self.lines = lines
        self.tree = tree if isinstance(tree, ast.Module) else None

    def run(self) -> Iterator[Finding]:
        named = self.filename not in ("stdin", "-", "")
        settings = settings_for(os.path.dirname(os.path.abspath(self.filename)) if named else os.getcwd())
        if isinstance(settings, str):
            yield self._error(f"configuration: {settings}")
            return
        source = "".join(self.lines)
        view = self._view(named)
        if not may_hold_a_queue(source, settings):  # the text first (qlint/evidence.py)
            # No rule can fire on the file alone; perhaps with what another module says
            # (`client.inbox.put(x)`, the asyncio queue built elsewhere).
            from qlint.project.gates import needed_rules

            if view is None or not needed_rules(view, source):
                return  # the engine (and LibCST) is never loaded for this file
        # The engine asks the rules' text gates, then the tree gate on flake8's tree, as
        # `qlint` does: once, and LibCST parses only a file that one of them lets through.
        from qlint.engine import NO_FIXES, check_source

        report = check_source(
            source, self.filename, settings, apply_noqa=False, tree=self.tree, fixes=NO_FIXES, steps=False,
            project=view,
        )
        for diagnostic in report.diagnostics:
            yield diagnostic.line, diagnostic.col - 1, f"{diagnostic.code} {diagnostic.message}", type(self)
        for error in report.errors:  # what `qlint` names on stderr: the file was not fully checked
            prefix = f"{self.filename}: "
            yield self._error(error[len(prefix):] if error.startswith(prefix) else error)

    def _view(self, named: bool) -> Optional[ProjectView]:
        """The file's view of its project, None with QLINT_ISOLATED_MODULES=1."""
        if not named or os.environ.get("QLINT_ISOLATED_MODULES", "") not in ("", "0"):
            return None
        from qlint.project.layout import find_root

        path = os.path.abspath(self.filename)
        # The projects of flake8's arguments, as `qlint` builds them for its own; a file
        # outside them (a project nested below a folder given): its own project, else its
        # folder (a git tree that ignores it).
        context = project_for(QlintChecker.given, QlintChecker.excluded)
        if path not in context.roots:
            context = project_for((find_root(path),), QlintChecker.excluded)
        if path not in context.roots:
            context = project_for((os.path.dirname(path),), QlintChecker.excluded)
        return context.view_for(path)

    def _error(self, message: str) -> Finding:
        return 1, 0, f"QL000 {message}", type(self)
