"""QL105 task-done-after-failed-get

## What it does
Finds a `task_done()` that also runs when the `get(timeout=...)`, `get(block=False)`,
`get_nowait()` or `asyncio.wait_for(q.get(), t)` before it found nothing and raised:
in a `finally:`, in an `except queue.Empty:` handler, or after it, when the handler
(or a `with contextlib.suppress(queue.Empty):`) lets the path go on. A `task_done()`
guarded by the failed path's flag (`except queue.Empty: msg = None` then
`if msg is not None: q.task_done()`) is fine. It fires whether or not anything waits on
the queue: an extra `task_done()` raises `ValueError` on its own.

## Why is this bad?
No item was taken, yet one is acknowledged. If nothing else is pending, the queue raises
`ValueError: task_done() called too many times`; if other items are pending, it
acknowledges one of *them*, so `q.join()` returns while that item is still being
processed.

## Example
```python
import queue
import threading

from jobs import load_jobs, process

def worker(q):
    while True:
        try:
            item = q.get(timeout=1)
            process(item)
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
        try:
            item = q.get(timeout=1)
        except queue.Empty:
            continue
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
from qlint.analysis.path_state import ACK_AFTER_FAILED_GET
from qlint.prefilter import Evidence
from qlint.rules.base import Finding, consumer_gate, path_findings

CODE = "QL105"
NAME = "task-done-after-failed-get"
# The README's rule table: when the rule fires, in one line.
FIRES_WHEN = (
    "a `finally` or `except Empty` acknowledges a `get(timeout=...)`/`get_nowait()` that found "
    "nothing: `ValueError`"
)
MESSAGE = (
    "task_done() also runs when the get() above raised Empty: no item was taken, so this "
    "raises ValueError or acknowledges another item; acknowledge only after a successful get()"
)


def check(facts: ModuleFacts) -> Iterator[Finding]:
    return path_findings(facts, ACK_AFTER_FAILED_GET)


gate = consumer_gate


def possible(e: Evidence) -> bool:
    """Could the rule fire here? On CPython's tree, before LibCST parses the file:
    a consumer loop on a queue with a task_done(): paths count that queue's acknowledgements."""
    return any(root in e.acked for root, _, _ in e.loops)
