"""The built context of a run's projects, kept beside the summary store and reused while
nothing it was built from has changed: a warm run then neither loads the stores nor
builds an index.

A context is a function of the projects' plan (each root and its files, which the run's
exclusions, `.gitignore` files and `pyproject.toml` files decide), of each file's bytes,
and of which folders are packages (an `__init__.py` the exclusions may leave out of the
plan still names modules). The snapshot is keyed by a digest of the plan, each file's
stamp (size and modification time, what the summary store trusts too) and the packages,
taken before the index reads anything: an edit while it is built only makes the next run
build again. The plan is made afresh by every run, so a file added or removed changes
the key. Plain JSON, never pickle; a snapshot that is missing, unreadable or not ours is
ignored, as the stores are (qlint/project/stored.py).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

from qlint.project.context import ProjectContext, plan_projects
from qlint.project.stored import as_bool, as_int, as_str, stamp_of
from qlint.project.view import Location, MadeQueue, ProjectView, Target

# Bump when the layout changes: an older snapshot then simply misses.
FORMAT = 2


def snapshot_file(summaries: Optional[Path]) -> Optional[Path]:
    """Where the snapshot is kept: beside the summaries' file (`summaries-*.json`), so per
    qlint version and code as they are."""
    return None if summaries is None else summaries.with_name("context-" + summaries.name.split("-", 1)[-1])


@dataclass(frozen=True)
class Planned:
    """A run's projects (`context.plan_projects`) and their state now (`state_of`): made once,
    for the look-up of the kept context and, when it misses, for building the index."""

    projects: dict[str, list[str]]
    state: str


def plan_run(given: list[str], exclude: Optional[tuple[str, ...]], linted: list[str]) -> Planned:
    projects = plan_projects(given, exclude, linted)
    return Planned(projects, state_of(projects))


def kept_context(
    summaries: Optional[Path], given: list[str], exclude: Optional[tuple[str, ...]], linted: list[str],
    planned: Optional[Planned] = None,
) -> Optional[ProjectContext]:
    """The context of a run (its arguments as for `context.build_context`; `planned`: its
    plan_run, if the caller made it) if a snapshot beside the summaries' file holds it as
    it would be built now, else None."""
    file = snapshot_file(summaries)
    if file is None:
        return None
    return load_context(file, (planned or plan_run(given, exclude, linted)).state)


def state_of(projects: dict[str, list[str]]) -> str:
    """The digest of what the context of `projects` is built from (see the module docstring)."""
    plan = sorted(projects.items())
    held = sorted({file for _, files in plan for file in files})
    folders: set[str] = set()
    for root, files in plan:
        for file in files:
            folder = os.path.dirname(file)
            while folder not in folders and folder.startswith(root.rstrip(os.sep) + os.sep):
                folders.add(folder)
                folder = os.path.dirname(folder)
    packages = sorted(folder for folder in folders if os.path.isfile(os.path.join(folder, "__init__.py")))
    data = [plan, [stamp_of(file) for file in held], packages]
    return hashlib.sha256(json.dumps(data).encode("utf-8", "surrogateescape")).hexdigest()


def load_context(file: Optional[Path], state: str) -> Optional[ProjectContext]:
    """The context kept in `file` for `state`, None if there is none (or it is not ours)."""
    if file is None:
        return None
    try:
        data = json.loads(file.read_bytes())
        if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("state") != state:
            return None
        return _context_from_json(data["context"])
    except (OSError, ValueError, RecursionError, TypeError, KeyError, AttributeError):
        return None


def save_context(file: Optional[Path], state: str, context: ProjectContext) -> None:
    """Keep `context`, built from `state`, in `file` (atomically; a failure is ignored)."""
    if file is None:
        return
    text = json.dumps({"format": FORMAT, "state": state, "context": _context_to_json(context)}, separators=(",", ":"))
    temporary = file.with_name(f"{file.name}.{os.getpid()}.tmp")
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_text(text, encoding="ascii")
        os.replace(temporary, file)
    except (OSError, ValueError):
        with contextlib.suppress(OSError):
            temporary.unlink()


def _context_to_json(context: ProjectContext) -> dict[str, Any]:
    """Dictionaries as lists of pairs, in their order (and with their keys' types kept)."""
    return {
        "files": [
            [path, root, context.modules.get(path, ""), context.quick_key_for(path)] for path, root in context.roots.items()
        ],
        "views": [
            [path, view.module, view.root, list(view.globals.items()),
             [[*key, where] for key, where in view.attributes.items()],
             [[*key, where] for key, where in view.parameters.items()]]
            for path, view in context.views.items()
        ],
        "unknown": [[root, list(found.items())] for root, found in context.unknown.items()],
        "targets": [[root, list(found.items())] for root, found in context.targets.items()],
        "made": [[root, list(found.items())] for root, found in context.made.items()],
    }


def _context_from_json(data: Any) -> ProjectContext:
    """The context `_context_to_json` wrote, with its tuples; TypeError or ValueError if not ours."""
    context = ProjectContext()
    for path, root, module, quick in data["files"]:
        context.roots[as_str(path)] = as_str(root)
        context.modules[path] = as_str(module)
        context.quick_keys[path] = as_str(quick)
    for root, found in data["unknown"]:
        context.unknown[as_str(root)] = {as_str(name): _location(where) for name, where in found}
    for root, found in data["targets"]:
        context.targets[as_str(root)] = {as_str(name): _target(target) for name, target in found}
    for root, found in data["made"]:
        context.made[as_str(root)] = {as_str(name): _made(made) for name, made in found}
    for path, module, root, globals_, attributes, parameters in data["views"]:
        context.views[as_str(path)] = ProjectView(
            as_str(module), as_str(root),
            {as_str(name): _location(where) for name, where in globals_},
            {(as_str(owner), as_str(name)): _location(where) for owner, name, where in attributes},
            {(as_str(function), as_int(index)): _location(where) for function, index, where in parameters},
            # As the index builds them: every view of a project shares its targets and queues.
            targets=context.targets.get(root, {}), made=context.made.get(root, {}),
        )
    return context


def _location(data: Any) -> Location:
    path, line, col = data
    return as_str(path), as_int(line), as_int(col)


def _target(data: Any) -> Target:
    path, (line, endless, puts, gets, consumer, always, sometimes) = data
    return as_str(path), (as_int(line), as_int(endless), _ints(puts), _ints(gets), as_bool(consumer), _ints(always),
                          _ints(sometimes))


def _made(data: Any) -> MadeQueue:
    path, line, constructor = data
    return as_str(path), as_int(line), as_str(constructor)


def _ints(data: Any) -> tuple[int, ...]:
    if not isinstance(data, list):
        raise TypeError("not a list")
    return tuple(as_int(value) for value in data)
