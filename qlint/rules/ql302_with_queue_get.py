"""QL302 with-queue-get

## What it does
Finds `with q.get() as item:` on a queue.

## Why is this bad?
Queue items are whatever was put: an `int`, a `str`, a tuple. They are not context
managers, so the `with` raises `TypeError` (`AttributeError: __enter__` before
Python 3.11), and leaving the block would not call `task_done()` anyway.

## Example
```python
import queue

from jobs import process

def worker(q: queue.Queue):
    while True:
        with q.get() as item:
            process(item)
```

## Use instead
```python
import queue

from jobs import process

def worker(q: queue.Queue):
    while True:
        item = q.get()
        try:
            process(item)
        finally:
            q.task_done()
```

## Fix safety
Unsafe: with `--fix --unsafe-fixes`, `with q.get() as item:` becomes `item = q.get()`
and the block becomes `try:` ... `finally: q.task_done()`. It is unsafe because it
starts acknowledging items, which changes when `q.join()` returns, and drops the
`with` for an item that really was a context manager. No fix is offered for `async
with`, a `with` of several items, a block that already calls `task_done()`, or a queue
without `task_done()` (`SimpleQueue`, `multiprocessing.Queue`).
"""

from __future__ import annotations

from typing import Iterator

import libcst as cst

from qlint.analysis.facts import ModuleFacts
from qlint.fixes.acknowledge import get_then_try
from qlint.prefilter import Evidence
from qlint.registry import NOT_JOINABLE
from qlint.rules.base import Finding, acknowledges_in, with_get_gate

CODE = "QL302"
NAME = "with-queue-get"
# The README's rule table: when the rule fires, in one line.
FIRES_WHEN = "`with q.get() as item:`: items are not context managers (`TypeError`)"
MESSAGE = (
    "a queue item is not a context manager: this with raises TypeError, and leaving it does not "
    "call task_done(); get the item, then try: ... finally: q.task_done()"
)


FIXABLE = True


def check(facts: ModuleFacts) -> Iterator[Finding]:
    groups = facts.queues.group_of_call
    for scope, node, _ in facts.record.with_exits:
        for item in node.items:
            call = item.item
            if isinstance(call, cst.Await):
                call = call.expression
            if isinstance(call, cst.Call) and isinstance(call.func, cst.Attribute) and call.func.attr.value == "get":
                group = groups.get(id(call))
                if group is not None and group.is_queue:
                    joinable = NOT_JOINABLE not in facts.queues.kinds_reaching(scope, call.func.value)
                    fixable = joinable and item.item is call  # not `with await q.get()`
                    yield Finding(node, fix=get_then_try(node, call, acknowledges_in(facts, group)) if fixable else None)
                    break


gate = with_get_gate


def possible(e: Evidence) -> bool:
    """Could the rule fire here? On CPython's tree, before LibCST parses the file:
    `with q.get()` on a queue."""
    return e.some(e.summary.with_gets, e.queue)
