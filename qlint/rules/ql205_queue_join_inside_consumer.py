"""QL205 queue-join-inside-consumer

## What it does
Finds `q.join()` inside a consumer loop of the same `q`, reached while the item that
loop took has not been acknowledged yet.

## Why is this bad?
`q.join()` waits until every item is acknowledged, including the one this worker holds
and will only acknowledge after `join()` returns: the worker waits for itself. With
one worker the program deadlocks; with several, it deadlocks once they all get there.

## Example
```python
import queue
import threading

from jobs import handle, load_jobs

def worker(q):
    while True:
        item = q.get()
        handle(item)
        q.join()
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

from jobs import handle, load_jobs

def worker(q):
    while True:
        item = q.get()
        try:
            handle(item)
        finally:
            q.task_done()

q = queue.Queue()
threading.Thread(target=worker, args=(q,), daemon=True).start()
for job in load_jobs():
    q.put(job)
q.join()  # in the thread that put the work
```

## Fix safety
No autofix.
"""

from __future__ import annotations

from typing import Iterator

from qlint.analysis.facts import ModuleFacts
from qlint.analysis.path_state import JOIN_HOLDING
from qlint.prefilter import Evidence
from qlint.rules.base import Finding, consumer_gate, path_findings

CODE = "QL205"
NAME = "queue-join-inside-consumer"
# The README's rule table: when the rule fires, in one line.
FIRES_WHEN = "`q.join()` inside a consumer loop, before its own item is acknowledged: deadlock"
MESSAGE = (
    "q.join() inside a consumer loop, before this item is acknowledged: the worker waits "
    "for itself and deadlocks; call join() in the thread that puts the work"
)


def check(facts: ModuleFacts) -> Iterator[Finding]:
    return path_findings(facts, JOIN_HOLDING)


gate = consumer_gate


def possible(e: Evidence) -> bool:
    """Could the rule fire here? On CPython's tree, before LibCST parses the file:
    a consumer loop on a queue with a join(): the join while holding an item is that queue's own."""
    return any(root in e.joined for root, _, _ in e.loops)
