"""Which rules can fire in a module, decided on CPython's tree before LibCST parses it.

The text gates let through every file that says `get` and `.join()`: big test files of
dict lookups, thread joins and `", ".join()`. LibCST's parse costs ~9x CPython's, and
the engine already has CPython's tree: one walk of it collects a summary, then a
predicate per rule says whether the analysis could report that rule at all.

Soundness: the analysis links the identities (an access path in a scope) that an object
flows between (assignments, arguments of a same-module function, a thread's `args=`)
into groups, and judges each group. Here an identity is only its last name, and every
flow the analysis can follow links the names at both ends, in whatever scope: a group's
names lie in one component of names, so whatever a group has (a queue class, a
queue-only method, a name matching `queue-name-regex`, a `task_done()`) its component
has too. A predicate says "cannot fire" only when no component has what the rule needs.
"""

from __future__ import annotations

import ast
import functools
import unicodedata
from dataclasses import dataclass
from typing import Iterable, Optional

from qlint.prefilter.summary import _SUBMITTERS, _WORD, Summary
from qlint.registry import rows
from qlint.settings import Settings

__all__ = ["possible_rules", "Summary", "_SUBMITTERS"]

# The analysis' vocabulary, by last name, from the registry of queue classes (which, like
# this package, imports no LibCST: a file judged here needs none). Methods are the
# protocol's own; tests/test_prefilter.py keeps them in step with the analysis.
_QUEUE_ONLY = ("task_done", "put_nowait", "get_nowait", "qsize")  # README.md: "What counts as a queue"


@dataclass(frozen=True)
class _Vocabulary:
    classes: frozenset[str]  # every queue class
    standard: frozenset[str]  # classes whose join() takes no argument
    awaited: frozenset[str]  # classes (or holders of faces) whose calls must be awaited
    awaited_roots: frozenset[str]  # the modules they come from
    not_joinable: frozenset[tuple[str, str]]  # (module, class) without task_done()/join()
    empty: frozenset[str]  # Empty exceptions
    exceptions: frozenset[str]  # Empty and Full exceptions
    faces: frozenset[str]  # attributes that hold a face of a class (`sync_q`)
    face_roots: frozenset[str]  # the modules of those classes


@functools.lru_cache(maxsize=16)
def _vocabulary(extra: tuple[str, ...], user: tuple[tuple[str, str, Optional[bool]], ...]) -> _Vocabulary:
    table = rows(extra, user)

    def last(dotted: str) -> str:
        return dotted.replace("()", "").rsplit(".", 1)[-1]

    def root(dotted: str) -> str:
        return dotted.split(".", 1)[0]

    awaited = {
        name for name, row in table.items()
        if row.awaited or any(table[face].awaited for _, face in row.faces)
    }
    return _Vocabulary(
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
_THREADS = frozenset({"Thread", "Process"})
_WORKERS = _THREADS | {"create_task", "ensure_future", "submit"}


def possible_rules(tree: ast.Module, codes: Iterable[str], settings: Settings) -> set[str]:
    """The codes among `codes` that the analysis could report for this module."""
    codes = set(codes)
    return _judge(Summary(tree), settings) & codes if codes else set()


def _judge(s: Summary, settings: Settings) -> set[str]:
    """Each rule whose needs some component of names (or the module's words) can meet."""
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
    only = set().union(*(s.calls[m] for m in _QUEUE_ONLY))
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

    def some(names: Iterable[str], *wanted: set[str]) -> bool:
        return any(all(s.find(n) in roots for roots in wanted) for n in names)

    loops = [(s.find(n), blocking, endless) for n, blocking, endless in s.loop_gets if s.find(n) in queue]
    process = "JoinableQueue" in tokens
    found = set()
    # QL1xx and QL205 walk consumer loops: a get (or iter(q.get, ..)) in a loop, on a queue by §2.
    if any(root in acked or root in joined or (process and root in kinded) for root, _, _ in loops):
        found.add("QL101")  # and that group is joined, acknowledged elsewhere, or a JoinableQueue
    if any(root in acked for root, _, _ in loops):
        found |= {"QL102", "QL103", "QL104", "QL105", "QL106"}  # paths count that group's task_done()
    if any(root in joined for root, _, _ in loops):
        found.add("QL205")  # join_while_holding is that group's own join()
    if any(b and e for _, b, e in loops) and s.untimed_join and tokens & _THREADS:
        found.add("QL203")  # `while True` round blocking gets, a Thread/Process class, an untimed join()
    if some(s.joins_without_args, queue, put) and tokens & _WORKERS:
        found.add("QL204")  # q.join() of a queue a worker's put() shares an origin with
    if some(s.joins_with_args, kinded) and tokens & words.standard:
        found.add("QL201")  # kinds_reaching is a standard class: its name is in the module
    if some(s.calls["join"] | s.calls["task_done"], kinded) and any(
        {module, name} <= tokens for module, name in words.not_joinable
    ):
        found.add("QL202")  # a class without task_done()/join(), named with its module
    if some(s.try_blocking_gets, queue) and tokens & words.empty:
        found.add("QL301")  # a blocking get of a queue in a try whose handlers resolve to Empty
    if some(s.with_gets, queue):
        found.add("QL302")  # `with q.get()` on a queue
    if some(s.bare_calls, kinded) and tokens & words.awaited_roots and tokens & words.awaited:
        found.add("QL303")  # an unawaited get/put/join of a group whose only kind is asyncio's
    if some(s.try_calls, kinded) and tokens & words.exceptions and tokens & words.classes:
        found.add("QL304")  # a call of a queue of known kind in a try naming Empty/Full of either module
    if tokens & words.exceptions and tokens & words.classes:
        found.add("QL305")  # `<queue class>.Empty`: both words are attributes, or the class an imported name
    if any(b for _, b, _ in loops) and tokens & {"empty", "qsize"} and tokens & _WORKERS:
        found.add("QL107")  # a blocking get in a loop on a queue, an empty()/qsize() check, a worker
    if some(s.calls["get_nowait"], kinded) and tokens & words.awaited_roots and tokens & words.awaited:
        found.add("QL306")  # get_nowait() of a group whose only kind is asyncio's (in a loop's try)
    return found
