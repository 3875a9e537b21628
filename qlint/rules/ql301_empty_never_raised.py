"""QL301 empty-never-raised

## What it does
Finds an `except queue.Empty:` (any alias, or `asyncio.QueueEmpty`) whose `try` only
gets with a blocking `get()`: no timeout, no `block=False`, no `get_nowait()`.

## Why is this bad?
A blocking `get()` waits until an item arrives; it never raises `Empty`. The handler is
dead code, and a loop that relies on it to finish (`except Empty: break`) never ends:
the thread blocks in `get()` for ever, and joining it hangs.

## Example
```python
import queue

from jobs import process

def drain(q):
    while True:
        try:
            item = q.get()
        except queue.Empty:
            break
        process(item)
```

## Use instead
```python
import queue

from jobs import process

def drain(q):
    while True:
        try:
            item = q.get(timeout=1)  # or q.get_nowait(), or a sentinel
        except queue.Empty:
            break
        process(item)
```

## Fix safety
No autofix: a timeout or a sentinel changes how the program ends.
"""

from __future__ import annotations

from typing import Iterator

import libcst as cst

from qlint.analysis.facts import ModuleFacts
from qlint.analysis.model import CallSite, Scope, summaries_under
from qlint.analysis.names import blocking_get
from qlint.analysis.queues import EMPTY_EXCEPTIONS
from qlint.prefilter import Evidence
from qlint.rules.base import blocking_get_gate

CODE = "QL301"
NAME = "empty-never-raised"
# The README's rule table: when the rule fires, in one line.
FIRES_WHEN = "`except queue.Empty` around blocking gets only: the handler never runs"
MESSAGE = (
    "a blocking get() never raises Empty: this handler never runs, and a loop that relies on "
    "it never ends; use get(timeout=...) or get_nowait(), or end the loop with a sentinel"
)


def check(facts: ModuleFacts) -> Iterator[cst.CSTNode]:
    raising = _RaisesEmpty(facts)
    for scope, node in facts.record.tries:
        handlers = [h for h in node.handlers if _only_empty(facts, scope, h)]
        if not handlers:
            continue
        calls = [c for stmt in node.body.body for s in summaries_under(facts.record.summaries, stmt) for c in s.calls]
        gets = [c for c in calls if _is_queue_get(facts, c)]
        if gets and not any(raising.call(scope, c) for c in calls):
            yield from handlers


def _only_empty(facts: ModuleFacts, scope: Scope, handler: cst.ExceptHandler) -> bool:
    return all(name in EMPTY_EXCEPTIONS for name in facts.queues.caught(scope, handler))


def _is_queue_get(facts: ModuleFacts, call: cst.Call) -> bool:
    group = facts.queues.group_of_call.get(id(call))
    return group is not None and group.is_queue and isinstance(call.func, cst.Attribute) and call.func.attr.value == "get"


class _RaisesEmpty:
    """Can a call raise Empty: a non-blocking get, or a same-module function that makes one?"""

    def __init__(self, facts: ModuleFacts) -> None:
        self.facts = facts
        self._memo: dict[int, bool] = {}
        self._calls: dict[int, list[CallSite]] = {}
        for site in facts.record.calls:
            self._calls.setdefault(id(site.scope.node), []).append(site)

    def call(self, scope: Scope, call: cst.Call) -> bool:
        func = call.func
        if isinstance(func, cst.Attribute) and func.attr.value == "get_nowait":
            return True
        if isinstance(func, cst.Attribute) and func.attr.value == "get" and not blocking_get(call):
            group = self.facts.queues.group_of_call.get(id(call))
            known_other = group is not None and not group.is_queue and not _keyword_timeout(call)
            if not known_other:  # a queue's get(timeout=..), or one we cannot place
                return True
        callee = self.facts.queues.callee_of_call.get(id(call))
        return callee is not None and self.function(callee[0])

    def function(self, function: Scope) -> bool:
        key = id(function.node)
        if key not in self._memo:
            self._memo[key] = False  # recursion: assume not
            self._memo[key] = any(self.call(site.scope, site.node) for site in self._calls.get(key, ()))
        return self._memo[key]


def _keyword_timeout(call: cst.Call) -> bool:
    return any(arg.keyword is not None and arg.keyword.value in ("timeout", "block") for arg in call.args)


gate = blocking_get_gate


def possible(e: Evidence) -> bool:
    """Could the rule fire here? On CPython's tree, before LibCST parses the file:
    a blocking get of a queue in a try, and an Empty exception named."""
    return e.some(e.summary.try_blocking_gets, e.queue) and bool(e.tokens & e.words.empty)
