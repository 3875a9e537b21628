"""QL106 task-done-twice

## What it does
Finds a path through a consumer loop that calls `task_done()` twice for the one item it
took with `get()`; also a loop that acknowledges each item it puts into a container
(`batch.append(item); q.task_done()`) followed by a second acknowledgement of the
container (`for _ in batch: q.task_done()`). It fires whether or not anything waits
on the queue: an extra `task_done()` raises `ValueError` on its own.

## Why is this bad?
Each `task_done()` lowers the unfinished-task count by one. Acknowledging one item twice
acknowledges another item that is still being processed, so `q.join()` returns early;
when nothing else is pending it raises `ValueError: task_done() called too many times`.

## Example
```python
import queue
import threading

from jobs import load_jobs, process

def worker(q):
    while True:
        item = q.get()
        try:
            process(item)
            q.task_done()
        finally:
            q.task_done()

q = queue.Queue()
threading.Thread(target=worker, args=(q,), daemon=True).start()
for job in load_jobs():
    q.put(job)
q.join()
```

## Use instead
```python
import queue
import threading

from jobs import load_jobs, process

def worker(q):
    while True:
        item = q.get()
        try:
            process(item)
        finally:
            q.task_done()

q = queue.Queue()
threading.Thread(target=worker, args=(q,), daemon=True).start()
for job in load_jobs():
    q.put(job)
q.join()
```

## Fix safety
No autofix.
"""

from __future__ import annotations

from typing import Iterator

from qlint.analysis.facts import ModuleFacts
from qlint.analysis.path_state import ACK_AGAIN
from qlint.prefilter import Evidence
from qlint.rules.base import Finding, consumer_gate, path_findings

CODE = "QL106"
NAME = "task-done-twice"
# The README's rule table: when the rule fires, in one line.
FIRES_WHEN = (
    "one path acknowledges one item twice (also per item and again per batch): `join()` returns"
    " early"
)
MESSAGE = (
    "second task_done() for the same item on this path: it acknowledges another item, so "
    "join() returns early (or raises ValueError); acknowledge each item once"
)


def check(facts: ModuleFacts) -> Iterator[Finding]:
    return path_findings(facts, ACK_AGAIN)


gate = consumer_gate


def possible(e: Evidence) -> bool:
    """Could the rule fire here? On CPython's tree, before LibCST parses the file:
    a consumer loop on a queue with a task_done(): paths count that queue's acknowledgements."""
    return any(root in e.acked for root, _, _ in e.loops)
