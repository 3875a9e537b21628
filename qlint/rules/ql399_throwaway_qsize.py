'''QL399 throwaway-qsize

## What it does
Finds `q.qsize()` on a work queue at module level (a throwaway rule: it shows what adding a rule touches).

## Why is this bad?
The size is stale as soon as it is read: other threads put and get in between.

## Example
```python
import queue

q = queue.Queue()
q.put(1)
print(q.qsize())
```

## Use instead
```python
import queue

q = queue.Queue()
q.put(1)
```

## Fix safety
No autofix.
'''

from __future__ import annotations

from typing import Iterator

import libcst as cst

from qlint.analysis.facts import ModuleFacts
from qlint.prefilter import Evidence

CODE = "QL399"
NAME = "throwaway-qsize"
MESSAGE = "qsize() is stale as soon as it is read"


def check(facts: ModuleFacts) -> Iterator[cst.CSTNode]:
    for group in facts.queues.groups.values():
        if group.is_queue:
            for site in group.methods.get("qsize", ()):
                if site.scope.kind == "module":
                    yield site.node


def gate(text: str) -> bool:
    return "Queue" in text and "qsize" in text


def possible(e: Evidence) -> bool:
    """Could the rule fire here? On CPython's tree, before LibCST parses the file:
    a qsize() call (itself evidence of a queue)."""
    return e.some(e.summary.calls["qsize"], e.queue)
