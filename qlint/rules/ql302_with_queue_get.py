"""QL302 with-queue-get

## What it does
Finds `with q.get() as item:` on a queue.

## Why is this bad?
Queue items are whatever was put: an `int`, a `str`, a tuple. They are not context
managers, so the `with` raises `TypeError` (`AttributeError: __enter__` before
Python 3.11), and leaving the block would not call `task_done()` anyway.

## Example
```python
with q.get() as item:
    process(item)
```

## Use instead
```python
item = q.get()
try:
    process(item)
finally:
    q.task_done()
```

## Fix safety
No autofix yet (planned, unsafe).
"""

from __future__ import annotations

import re
from typing import Iterator

import libcst as cst

from qlint.analysis.facts import ModuleFacts

CODE = "QL302"
NAME = "with-queue-get"
MESSAGE = (
    "a queue item is not a context manager: this with raises TypeError, and leaving it does not "
    "call task_done(); get the item, then try: ... finally: q.task_done()"
)


def check(facts: ModuleFacts) -> Iterator[cst.CSTNode]:
    groups = facts.queues.group_of_call
    for _, node, _ in facts.record.with_exits:
        for item in node.items:
            call = item.item
            if isinstance(call, cst.Await):
                call = call.expression
            if isinstance(call, cst.Call) and isinstance(call.func, cst.Attribute) and call.func.attr.value == "get":
                group = groups.get(id(call))
                if group is not None and group.is_queue:
                    yield node
                    break


# A `with` statement starts a line (a compound statement cannot follow `;` or `:`).
_WITH_GET = re.compile(r"^[ \t]*(?:async[ \t]+)?with\b[^:]*\.\s*get\s*\(", re.MULTILINE)


def gate(text: str) -> bool:
    """`.get(` inside a `with` header, before its colon."""
    return _WITH_GET.search(text) is not None
