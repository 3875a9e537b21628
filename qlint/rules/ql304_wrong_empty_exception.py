"""QL304 wrong-empty-exception

## What it does
Finds an `except` that names the other module's exception: `queue.Empty` or
`queue.Full` around an `asyncio.Queue`'s `get_nowait()` / `put_nowait()`, or
`asyncio.QueueEmpty` / `asyncio.QueueFull` around a thread or process queue's
non-blocking `get` / `put`. The queue's class must be known from how it was built,
annotated or passed in.

## Why is this bad?
`asyncio.QueueEmpty` is not a subclass of `queue.Empty` (nor the other way round): the
handler never matches, and the exception escapes and ends the task or thread.

## Example
```python
import asyncio
import queue

q = asyncio.Queue()
try:
    item = q.get_nowait()
except queue.Empty:
    item = None
```

## Use instead
```python
import asyncio

q = asyncio.Queue()
try:
    item = q.get_nowait()
except asyncio.QueueEmpty:
    item = None
```

## Fix safety
Safe: `--fix` names the right class in place of the wrong one (the other names of a
tuple stay). It uses a name the module already imports (`from asyncio import
QueueEmpty`, or `import asyncio` as any alias); otherwise it adds the import in the
style of the name it replaces: a bare `Empty` becomes `QueueEmpty` with `from asyncio
import QueueEmpty` (joined to an existing one-line `from asyncio import ...`), a dotted
`queue.Empty` becomes `asyncio.QueueEmpty` with `import asyncio`. No fix is offered when
the name it needs is bound to something else where the handler is.
"""

from __future__ import annotations

from typing import Iterator, Optional, Union

import libcst as cst

from qlint.analysis.facts import ModuleFacts
from qlint.analysis.model import Scope, summaries_under
from qlint.analysis.names import blocking_get
from qlint.analysis.statement_shapes import handler_names
from qlint.fixes.exceptions import caught_expressions, rename_caught
from qlint.fixes.model import Fix
from qlint.prefilter import Evidence
from qlint.registry import QueueClass
from qlint.rules.base import Finding

CODE = "QL304"
NAME = "wrong-empty-exception"
# The README's rule table: when the rule fires, in one line.
FIRES_WHEN = (
    "`except queue.Empty` around an `asyncio.Queue` (or `asyncio.QueueEmpty` around a thread "
    "queue): never matches"
)
MESSAGE = (
    "this except names the other queue module's exception: it never matches, and the real one "
    "escapes; catch asyncio.QueueEmpty/QueueFull for asyncio.Queue, queue.Empty/Full otherwise"
)


FIXABLE = True


def check(facts: ModuleFacts) -> Iterator[Finding]:
    for scope, node in facts.record.tries:
        sides = {_side(facts, scope, c) for stmt in node.body.body
                 for s in summaries_under(facts.record.summaries, stmt) for c in s.calls}
        sides.discard(None)
        if len(sides) != 1 or "unknown" in sides:
            continue  # no non-blocking queue call, or a mix we cannot judge
        right = sides.pop()
        if not isinstance(right, frozenset):
            continue  # never: None and "unknown" are out
        wrong = _others(facts, right)
        caught = [facts.queues.caught(scope, h) for h in node.handlers]
        if any(name in right or name in ("", "Exception", "BaseException") for names in caught for name in names):
            continue  # another handler catches it
        for handler, names in zip(node.handlers, caught):
            if names and all(name in wrong for name in names):
                yield Finding(handler, fix=_fix(facts, scope, handler, names, right))


def _fix(
    facts: ModuleFacts, scope: Scope, handler: cst.ExceptHandler, names: list[Optional[str]], raised: frozenset[str]
) -> Optional[Fix]:
    """Each caught expression is one of `names`, in order (handler_names skips none here);
    each becomes the exception of the same sort (Empty or Full) among those `raised`."""
    expressions = caught_expressions(handler)
    if len(expressions) != len(names) or len(handler_names(handler.type)) != len(names):
        return None
    table = facts.queues.table.values()
    empties = {name for row in table for name in row.empty}
    right = {}
    for expression, name in zip(expressions, names):
        same_sort = [n for n in raised if (n in empties) == (name in empties)]
        if name is None or not same_sort:
            return None
        right[id(expression)] = min(same_sort, key=lambda n: (len(n), n))  # `asyncio.QueueEmpty`, not `asyncio.queues...`
    rebound = {name for each in facts.record.scopes for name in each.declared_global}
    return rename_caught(facts.module, scope, handler, right, rebound)


def _others(facts: ModuleFacts, right: frozenset[str]) -> frozenset[str]:
    """The exceptions of the queue classes whose exceptions are none of `right` (another
    name of the same class, `gevent.queue.Empty` for `queue.Empty`, is not wrong)."""
    return frozenset(
        name
        for row in facts.queues.table.values()
        if not set(row.empty + row.full) & right
        for name in row.empty + row.full
    )


def _side(facts: ModuleFacts, scope: Scope, call: cst.Call) -> Union[frozenset[str], str, None]:
    """The exceptions a queue call can raise (by its classes' registry rows), "unknown",
    or None when it raises none."""
    func = call.func
    if not isinstance(func, cst.Attribute) or func.attr.value not in ("get_nowait", "put_nowait", "get", "put"):
        return None
    method = func.attr.value
    group = facts.queues.group_of_call.get(id(call))
    if group is None or not group.is_queue:
        return None
    rows = facts.queues.rows_reaching(scope, func.value)
    if rows and all(row.awaited for row in rows):
        return _raised(rows) if method.endswith("_nowait") else None  # awaited get/put do not raise
    if method == "get" and blocking_get(call):
        return None
    if method == "put" and not any(a.keyword is not None and a.keyword.value in ("timeout", "block") for a in call.args):
        if len([a for a in call.args if a.keyword is None]) < 2:
            return None
    if rows and not any(row.awaited for row in rows):
        return _raised(rows)
    return "unknown"


def _raised(rows: list[QueueClass]) -> Union[frozenset[str], str]:
    """The Empty and Full exceptions of every class in `rows`, or "unknown" when qlint does
    not know one of them (a class named in `extra-queue-classes`)."""
    if any(not row.empty for row in rows):
        return "unknown"
    return frozenset(name for row in rows for name in row.empty + row.full)


def gate(text: str) -> bool:
    """Every queue class's name ends in `Queue`; every exception says Empty or Full."""
    return "Queue" in text and ("Empty" in text or "Full" in text)


def possible(e: Evidence) -> bool:
    """Could the rule fire here? On CPython's tree, before LibCST parses the file:
    a call of a queue of known kind in a try, and an Empty/Full exception and a queue class named."""
    return (
        e.some(e.summary.try_calls, e.kinded)
        and bool(e.tokens & e.words.exceptions)
        and bool(e.tokens & e.words.classes)
    )
