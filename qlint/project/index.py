"""The project index: every module's summary, imports resolved, joins followed to a fixed point.

Summaries are read only from files that pass a cheap, sound gate on their text: a
`.join()` without arguments (however it is spaced). A module that mentions no queue
word can still forward a queue (`def run(q): consume(q)`); it matters only when a
joined queue reaches it, so such a module is summarized on demand, when some
summarized module passes a joined queue (or a parameter that may hold one) to a
function it defines. Following those calls, and the forwards they find, repeats until
nothing new is reached: modules that import each other are met once each, and the
fixed point over the forwards is bounded by the number of edges.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Callable, Optional, Union

from qlint.project.bytescan import GAP, may_call
from qlint.project.exports import Exports, exports_of_file
from qlint.project.layout import absolute_import, module_names, path_from_root
from qlint.project.source import UNREADABLE, parse_source, read_bytes
from qlint.project.summary import ModuleSummary, summarize
from qlint.project.view import Location, MadeQueue, ProjectView, Target

# `.join()` with nothing between the brackets but what Python allows between tokens.
_EMPTY_JOIN = re.compile(rb"\." + GAP + rb"join" + GAP + rb"\(" + GAP + rb"\)")
_JOIN_HERE = re.compile(rb"join" + GAP + rb"\(" + GAP + rb"\)")
_SPACE = b" \t\r\n\f\\"


def summary_gate(source: Union[str, bytes]) -> bool:
    """Whether a module can say anything about joins (sound; on the bytes: every token the
    summary looks at is ASCII in any source encoding Python accepts).

    It has a `.join()` without arguments whose receiver is an attribute
    (`client.inbox.join()`), or a name the module also writes where a summary could see
    it handed on or imported: between `(`, `,` or `[` and `,`, `)` or `]` (a positional
    argument, an element of a tuple, list or import list), or after `import` on a line.
    A receiver it cannot read backwards (a comment on its line) passes. `t.join()` of a
    thread kept in a list (`threads.append(t)`) passes too: the gate only has to be
    cheap, and never wrong the other way.
    """
    data = source.encode("utf-8", "surrogateescape") if isinstance(source, str) else source
    if not may_call(data, (b"join",), _JOIN_HERE):
        return False
    refused: set[bytes] = set()  # receivers already looked for (`t.join()` in a loop and after it)
    for match in _EMPTY_JOIN.finditer(data):
        end = match.start()
        while end > 0 and data[end - 1] in _SPACE:
            end -= 1
        start = end
        while start > 0 and (chr(data[start - 1]).isalnum() or data[start - 1] in b"_" or data[start - 1] >= 0x80):
            start -= 1
        if start == end:
            continue  # `f().join()`, `qs[0].join()`, `", ".join()`: no receiver the summary reads
        line_start = data.rfind(b"\n", 0, start) + 1
        if b"#" in data[line_start:start]:
            return True  # perhaps a comment, not code: cannot tell cheaply
        before = start
        while before > 0 and data[before - 1] in _SPACE:
            before -= 1
        if before > 0 and data[before - 1 : before] == b".":
            return True  # `client.inbox.join()`
        if data[start:end] in refused:
            continue
        refused.add(data[start:end])
        name = re.escape(data[start:end])
        if re.search(rb"[(,\[]" + GAP + name + GAP + rb"[,)\]]", data):
            return True  # an argument, or an element of a tuple, list or import list
        if re.search(rb"\bimport\b[^\r\n]*(?<![\w.])" + name + rb"(?!\w)", data):
            return True  # `from workers import jobs`, `import workers as jobs`
    return False


# Reads a file's summary: None when the file cannot be read or parsed, or has nothing to say.
Summarizer = Callable[[str, bool], Optional[ModuleSummary]]


def summarize_file(path: str, gated: bool) -> Optional[ModuleSummary]:
    """The summary of the file at `path`; with `gated`, only if its text passes the gate."""
    _, source = read_bytes(path)
    if source is None or (gated and not summary_gate(source)):
        return None
    try:
        text, tree = parse_source(source, path)
        return summarize(tree, text if gated else None)
    except UNREADABLE:
        return None


@dataclass
class _Module:
    path: str  # absolute
    name: str
    is_package: bool
    summary: Optional[ModuleSummary] = None
    read: bool = False  # summarized, gated or not
    exports: Optional[Exports] = None  # its functions as thread targets, its queue attributes, once read


@dataclass
class ProjectIndex:
    """One project: its files, their module names, and the joins each module may ask about."""

    root: str
    modules: dict[str, _Module] = field(default_factory=dict)  # absolute path -> module
    by_name: dict[str, Optional[str]] = field(default_factory=dict)  # module name -> path (None: ambiguous)
    views: dict[str, ProjectView] = field(default_factory=dict)  # absolute path -> the module's view
    unknown: dict[str, Location] = field(default_factory=dict)  # attr -> a join of unknown receiver class
    targets: dict[str, Target] = field(default_factory=dict)  # `app.workers.consume` -> what it does as a target
    made: dict[str, MadeQueue] = field(default_factory=dict)  # `app.client.Client.inbox` -> how it is built
    rounds: int = 0  # fixed-point rounds the forwards took (for tests)
    _read: Summarizer = summarize_file
    _edges: dict[tuple[str, str, int], set[tuple[str, str, int]]] = field(default_factory=dict)

    @classmethod
    def build(
        cls, root: str, paths: list[str], read: Summarizer = summarize_file, bound: int = 1000,
        read_exports: Callable[[str], Exports] = exports_of_file,
    ) -> ProjectIndex:
        index = cls(os.path.abspath(root))
        for path in sorted({os.path.abspath(p) for p in paths}):
            canonical, names = module_names(path, index.root)
            index.modules[path] = _Module(path, canonical, os.path.basename(path) == "__init__.py")
            for name in names:
                index.by_name[name] = None if name in index.by_name and index.by_name[name] != path else path
        for module in index.modules.values():
            module.summary = read(module.path, True)
            index.views[module.path] = ProjectView(module.name, index.root, targets=index.targets, made=index.made)
        index._read = read
        index._resolve(bound)
        index._find_exports(read_exports)
        return index

    def _find_exports(self, read_exports: Callable[[str], Exports]) -> None:
        """What each module-level function that gets or puts does, and which class
        attributes hold queues, under every name of their module."""
        for name, path in sorted(self.by_name.items()):
            if path is None:
                continue
            module = self.modules[path]
            if module.exports is None:
                module.exports = read_exports(path)
            if not (module.exports.targets or module.exports.attributes):
                continue
            shown = self._location(module, 0, 0)[0]
            for function, facts in module.exports.targets.items():
                self.targets[f"{name}.{function}"] = (shown, facts)
            for attribute, (line, made) in module.exports.attributes.items():
                self.made[f"{name}.{attribute}"] = (shown, line, made)

    def view_for(self, path: str) -> Optional[ProjectView]:
        module = self.modules.get(os.path.abspath(path))
        if module is None:
            return None
        view = self.views[module.path]
        return ProjectView(
            view.module, view.root, view.globals, view.attributes, view.parameters, self.unknown, self.targets, self.made
        )

    def _location(self, module: _Module, line: int, col: int) -> Location:
        return (path_from_root(module.path, self.root).replace(os.sep, "/"), line, col)

    def _split(self, name: str) -> Optional[tuple[_Module, str]]:
        """`a.b.f` as (module a.b, "f"): the longest prefix that is a module of the project."""
        parts = name.split(".")
        for cut in range(len(parts), 0, -1):
            path = self.by_name.get(".".join(parts[:cut]))
            if path is not None:
                return self.modules[path], ".".join(parts[cut:])
        return None

    def _resolve_ref(self, module: _Module, ref: str) -> tuple[str, Optional[tuple[_Module, str]]]:
        """What `ref`, as `module` spells it, names: ("project", (module, qualname)),
        ("outside", None) for another package, ("unknown", None) when it cannot be told."""
        summary = module.summary
        assert summary is not None
        if ref.startswith("."):
            return "project", (module, ref[1:])
        if ref.startswith("="):
            target = absolute_import(ref[1:], module.name, module.is_package)
        else:
            first, _, rest = ref.partition(".")
            if first in summary.imports:
                base = absolute_import(summary.imports[first], module.name, module.is_package)
                target = f"{base}.{rest}" if base and rest else base
            elif first in summary.defines:
                return "project", (module, ref)
            else:
                return "unknown", None
        if target is None:
            return "unknown", None
        found = self._split(target)
        return ("project", found) if found is not None else ("outside", None)

    def _resolve(self, bound: int) -> None:
        summarized = [m for m in self.modules.values() if m.summary is not None]
        for module in summarized:
            self._joins(module)
        reached: dict[tuple[str, str, int], Location] = {}
        for module in summarized:
            assert module.summary is not None
            for ref, index, line, col in module.summary.passes:
                callee = self._callee(module, ref, index)
                if callee is not None:
                    where = self._location(module, line, col)
                    reached[callee] = min(reached.get(callee, where), where)
        # Rounds until nothing changes (bounded): a reached parameter's module is read now if
        # the gate skipped it, and its forwards carry the join on; a location only decreases.
        changed = True
        while changed and self.rounds < bound:
            changed = False
            self.rounds += 1
            for source in sorted(reached):
                where = reached[source]
                for target in self._forwarded(source):
                    if target not in reached or where < reached[target]:
                        reached[target] = where
                        changed = True
        for (path, function, param), where in reached.items():
            self.views[path].parameters[(function, param)] = where

    def _forwarded(self, source: tuple[str, str, int]) -> set[tuple[str, str, int]]:
        """Where a function hands on its parameter: `def run(q): consume(q)`."""
        if source not in self._edges:
            path, function, param = source
            module = self.modules[path]
            if module.summary is not None and function not in module.summary.defines:
                self._edges[source] = set()  # not defined there (inherited, `self.assertIn`): nothing to follow
                return self._edges[source]
            self._demand(module)
            targets = set()
            for name, index, ref, argument in module.summary.forwards if module.summary else ():
                if (name, index) == (function, param):
                    callee = self._callee(module, ref, argument)
                    if callee is not None:
                        targets.add(callee)
            self._edges[source] = targets
        return self._edges[source]

    def _demand(self, module: _Module) -> None:
        """Summarize `module` whole now if the gate had skipped it, or if only its functions
        that say `join` were read: a joined queue reaches it."""
        if (module.summary is None or module.summary.partial) and not module.read:
            module.read = True
            module.summary = self._read(module.path, False)

    def _callee(self, module: _Module, ref: str, index: int) -> Optional[tuple[str, str, int]]:
        """(module, function qualname, parameter index) of a call's target and argument."""
        kind, found = self._resolve_ref(module, ref)
        if found is None or not found[1]:
            return None
        target, qualname = found
        if target.summary is None:
            self._demand(target)  # its definitions: is the callee a class?
        if ref.startswith("."):
            return target.path, qualname, index + 1  # `self.method(q)`: `self` is parameter 0
        defines = target.summary.defines if target.summary is not None else []
        if f"{qualname}.__init__" in defines:
            return target.path, f"{qualname}.__init__", index + 1  # `Worker(q)`
        return target.path, qualname, index

    def _joins(self, module: _Module) -> None:
        assert module.summary is not None
        for owner, attribute, line, col in module.summary.joins:
            where = self._location(module, line, col)
            if owner.startswith("="):  # `from workers import jobs; jobs.join()`
                kind, found = self._resolve_ref(module, owner)
                if found is not None and "." not in found[1] and found[1]:
                    self._add_global(found[0], found[1], where)
                continue
            if not owner:
                self.unknown[attribute] = min(self.unknown.get(attribute, where), where)
                continue
            kind, found = self._resolve_ref(module, owner)
            if kind == "unknown":
                self.unknown[attribute] = min(self.unknown.get(attribute, where), where)
            elif found is not None and not found[1]:
                self._add_global(found[0], attribute, where)  # `workers.jobs.join()`
            elif found is not None:
                view = self.views[found[0].path]
                key = (found[1], attribute)
                view.attributes[key] = min(view.attributes.get(key, where), where)

    def _add_global(self, module: _Module, attribute: str, where: Location) -> None:
        view = self.views[module.path]
        view.globals[attribute] = min(view.globals.get(attribute, where), where)
