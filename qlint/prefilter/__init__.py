"""Which rules can fire in a module, decided on CPython's tree before LibCST parses it.

The text gates let through every file that says `get` and `.join()`: big test files of
dict lookups, thread joins and `", ".join()`. LibCST's parse costs ~9x CPython's, and
the engine already has CPython's tree: one walk of it collects a summary, then each
rule's `possible(evidence)` (in its own module) says whether the analysis could report
that rule at all.

Soundness: the analysis links the identities (an access path in a scope) that an object
flows between (assignments, arguments of a same-module function, a thread's `args=`)
into groups, and judges each group. Here an identity is only its last name, and every
flow the analysis can follow links the names at both ends, in whatever scope: a group's
names lie in one component of names, so whatever a group has (a queue class, a
queue-only method, a name matching `queue-name-regex`, a `task_done()`) its component
has too. A predicate says "cannot fire" only when no component has what the rule needs.
"""

from __future__ import annotations
import __future__

import ast
import builtins
import functools
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Optional

from qlint.prefilter.summary import _WORD, Summary
from qlint.registry import QUEUE_ONLY_METHODS, THREAD_MAKERS, WORKER_MAKERS, rows
from qlint.settings import Settings

__all__ = ["possible_rules", "Evidence", "Summary", "Vocabulary"]

# The rule modules, read as text: `possible` is compiled from each without importing the
# module, so judging a file never loads LibCST (the flake8 plugin's promise).
_RULES = Path(__file__).resolve().parent.parent / "rules"
_TOP_LEVEL_LINE = re.compile(r"\n(?=[^\s#)\]}])")  # a line that starts a statement in column 0


@dataclass(frozen=True)
class Vocabulary:
    """The analysis' vocabulary, by last name, from the registry (which, like this package,
    imports no LibCST: a file judged here needs none)."""

    classes: frozenset[str]  # every queue class
    standard: frozenset[str]  # classes whose join() takes no argument
    awaited: frozenset[str]  # classes (or holders of faces) whose calls must be awaited
    awaited_roots: frozenset[str]  # the modules they come from
    not_joinable: frozenset[tuple[str, str]]  # (module, class) without task_done()/join()
    empty: frozenset[str]  # Empty exceptions
    exceptions: frozenset[str]  # Empty and Full exceptions
    faces: frozenset[str]  # attributes that hold a face of a class (`sync_q`)
    face_roots: frozenset[str]  # the modules of those classes
    thread_makers: frozenset[str] = THREAD_MAKERS  # `Thread`, `Process`
    worker_makers: frozenset[str] = WORKER_MAKERS  # those, and what makes a task or a future


@functools.lru_cache(maxsize=16)
def _vocabulary(extra: tuple[str, ...], user: tuple[tuple[str, str, Optional[bool]], ...]) -> Vocabulary:
    table = rows(extra, user)

    def last(dotted: str) -> str:
        return dotted.replace("()", "").rsplit(".", 1)[-1]

    def root(dotted: str) -> str:
        return dotted.split(".", 1)[0]

    awaited = {
        name for name, row in table.items()
        if row.awaited or any(table[face].awaited for _, face in row.faces)
    }
    return Vocabulary(
        classes=frozenset(last(name) for name in table),
        standard=frozenset(last(n) for n, row in table.items() if row.joinable and not row.join_timeout),
        awaited=frozenset(last(name) for name in awaited),
        awaited_roots=frozenset(root(name) for name in awaited),
        not_joinable=frozenset((root(n), last(n)) for n, row in table.items() if not row.joinable),
        empty=frozenset(last(e) for row in table.values() for e in row.empty),
        exceptions=frozenset(last(e) for row in table.values() for e in row.empty + row.full),
        faces=frozenset(attribute for row in table.values() for attribute, _ in row.faces),
        face_roots=frozenset(root(name) for name, row in table.items() if row.faces),
    )


@dataclass(frozen=True)
class Evidence:
    """What a rule's `possible` reads: the summary, and its names' components (each named
    by its root, `summary.find(name)`) sorted by the evidence they have."""

    summary: Summary
    words: Vocabulary
    tokens: set[str]  # the module's words (attributes and their roots, imports, annotations)
    classes: set[str]  # queue classes by last name, the user's too, and their aliases and subclasses here
    kinded: set[str]  # components built from, or annotated with, a queue class
    queue: set[str]  # components with any evidence of being a queue (kinded ones too)
    acked: set[str]  # components with a task_done() call
    joined: set[str]  # components with a join() call
    put: set[str]  # components with a put() or put_nowait() call
    loops: list[tuple[str, bool, bool]]  # (component, blocking, endless) of each get in a loop on a queue
    process: bool  # `JoinableQueue` is named in the module

    def some(self, names: Iterable[str], *wanted: set[str]) -> bool:
        """Is one of `names` in a component that is in every set of `wanted`?"""
        return any(all(self.summary.find(n) in roots for roots in wanted) for n in names)


def possible_rules(
    tree: ast.Module, codes: Iterable[str], settings: Settings, made: Optional[dict[str, str]] = None
) -> set[str]:
    """The codes among `codes` that the analysis could report for this module. `made`: the
    queue attributes other modules build that this one may use (attribute -> dotted
    constructor, qlint/project/view.py): the analysis learns their class from its project
    view, so here they are built from it, as if in the module."""
    codes = set(codes)
    if not codes:
        return set()
    summary = Summary(tree)
    for attribute, constructor in (made or {}).items():
        summary.builds.setdefault(attribute, set()).add(constructor.rsplit(".", 1)[-1])
        summary.find(attribute)
        summary.tokens.update(constructor.split("."))
    evidence = _evidence(summary, settings)
    predicates = _predicates()
    return {code for code in codes if code not in predicates or predicates[code](evidence)}


@functools.lru_cache(maxsize=1)
def _predicates() -> dict[str, Callable[[Evidence], bool]]:
    """Each rule module's `possible` function, compiled from its source alone (with only
    the builtins in view: a predicate reads its argument and nothing else). A rule
    without one is always possible. tests/test_prefilter.py checks these are the
    modules' own functions, instruction for instruction."""
    found: dict[str, Callable[[Evidence], bool]] = {}
    for path in sorted(_RULES.glob("ql[0-9]*.py")):
        definition = _definition(path.read_text("utf-8"), str(path))
        if definition is not None:
            code = compile(definition, str(path), "exec", flags=__future__.annotations.compiler_flag, dont_inherit=True)
            namespace: dict[str, object] = {"__builtins__": builtins}
            exec(code, namespace)  # defines `possible` in the namespace, nothing else runs
            found[path.name[:5].upper()] = namespace["possible"]  # type: ignore[assignment]
    return found


def _definition(source: str, filename: str) -> Optional[ast.Module]:
    """The module's top-level `def possible`, alone, at its own line numbers. Only that
    function's lines are parsed (up to the next line that starts in column 0), unless
    they do not hold it alone; then the whole module is."""
    start = source.rfind("\ndef possible(") + 1  # the last one is the one the module binds
    if start:
        following = _TOP_LEVEL_LINE.search(source, start + 1)
        try:
            tree = ast.parse(source[start : following.start() if following else len(source)], filename)
        except SyntaxError:
            tree = None
        if tree is not None and [type(node) for node in tree.body] == [ast.FunctionDef]:
            ast.increment_lineno(tree, source.count("\n", 0, start))
            return tree
    wanted: list[ast.stmt] = [
        node for node in ast.parse(source, filename).body
        if isinstance(node, ast.FunctionDef) and node.name == "possible"
    ]
    return ast.Module(wanted[-1:], []) if wanted else None


def _evidence(s: Summary, settings: Settings) -> Evidence:
    """Which components of names have what each rule needs (a component has whatever a
    group of the analysis inside it has)."""
    tokens = s.tokens
    words = _vocabulary(settings.extra_queue_classes, settings.queue_classes)
    # CPython NFKC-normalises identifiers, LibCST keeps them as written: compare normalised
    # class names, and let a name that normalising may have changed match any regex.
    user = [*settings.extra_queue_classes, *(name for name, _, _ in settings.queue_classes)]
    extra = [_WORD.findall(unicodedata.normalize("NFKC", dotted)) for dotted in user]
    classes = set(words.classes) | {found[-1] for found in extra if found}
    classes |= {alias for alias, real in s.aliases.items() if real & classes}
    classes |= {name for name, found in s.classes.items() if any(set(bases) & classes for bases, _ in found)}
    matches = settings.queue_name_pattern().fullmatch
    odd_regex = not settings.queue_name_regex.isascii()
    only = set().union(*(s.calls[m] for m in QUEUE_ONLY_METHODS))
    caught = s.try_gets if tokens & words.empty else set()  # a get in a try whose handler may name Empty
    kinded: set[str] = set()
    queue: set[str] = set()
    acked: set[str] = set()
    joined: set[str] = set()
    put: set[str] = set()
    for name in list(s.parent):
        root = s.find(name)
        # Evidence 1-3: built from, or annotated with, a queue class (any class, if one is unnamed).
        if s.builds.get(name, set()) & classes or (not all(extra) and name in s.builds):
            kinded.add(root)
        if name in words.faces and tokens & words.face_roots:
            kinded.add(root)  # `jq.async_q` of a `janus.Queue()`: a face has its own class
        # Evidence 4-5: a queue-only method, a get caught by Empty, a name the regex matches.
        if name in only or name in caught or odd_regex or not name.isascii() or matches(name.lower()):
            queue.add(root)
        for roots, methods in ((acked, ("task_done",)), (joined, ("join",)), (put, ("put", "put_nowait"))):
            if any(name in s.calls[m] for m in methods):
                roots.add(root)
    queue |= kinded
    # A get (or iter(q.get, ..)) in a loop, on a queue by §2: what consumer loops are made of.
    loops = [(s.find(n), blocking, endless) for n, blocking, endless in s.loop_gets if s.find(n) in queue]
    return Evidence(s, words, tokens, classes, kinded, queue, acked, joined, put, loops, "JoinableQueue" in tokens)
