"""QL101 get-without-task-done

## What it does
Finds a consumer loop that takes items from a joinable queue with `get()` and never
calls `task_done()` for them, when the code shows the queue's count is in use: it is
`join()`ed in the module, is a `multiprocessing.JoinableQueue`, or has `task_done()`
called elsewhere. An item handed to a thread, an executor or a callback of this module
that acknowledges it (`executor.submit(handle, item)`, `loop.call_soon(handle, item)`,
`fut.add_done_callback(lambda f: q.task_done())`) is acknowledged; so is an item
yielded or returned, or a queue handed to code qlint cannot see. A helper the loop
calls with the queue that calls `task_done()` on it acknowledges, whether it is defined
in this module or imported from another module of the project (`from .acks import
finish; finish(q)`, docs/project.md).

## Why is this bad?
`put()` raises the queue's count of unfinished tasks and only `task_done()` lowers it.
An item that is taken and never acknowledged keeps the count above zero, so
`q.join()` blocks forever: the program hangs at shutdown, with no error.

## Example
```python
import queue
import threading

from jobs import load_jobs, process

def worker(q):
    while True:
        item = q.get()
        process(item)

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
No autofix: where the acknowledgement belongs depends on what "done" means.
"""

from __future__ import annotations

from typing import Iterator

from qlint.analysis.facts import ModuleFacts
from qlint.prefilter import Evidence
from qlint.registry import PROCESS
from qlint.rules.base import Finding, consumer_gate, naming_wait

CODE = "QL101"
NAME = "get-without-task-done"
# The README's rule table: when the rule fires, in one line.
FIRES_WHEN = (
    "a consumer loop never acknowledges what it takes from a queue that is joined (or is a "
    "`JoinableQueue`, or is acknowledged elsewhere)"
)
MESSAGE = (
    "item taken with get() is never acknowledged: join() on this queue blocks forever; "
    "call task_done() in a finally after processing it"
)

WAITED = (
    "item taken with get() is never acknowledged: {wait} then blocks forever; "
    "call task_done() in a finally after processing it"
)


def check(facts: ModuleFacts) -> Iterator[Finding]:
    for loop in facts.consumers.loops:
        group, paths = loop.group, loop.paths
        if paths is None or loop.acknowledges or loop.function_acknowledges:
            continue
        if not group.is_joinable or group.task_done_referenced:
            continue
        if not (group.called("join") or PROCESS in group.kinds or group.called("task_done")):
            continue
        if paths.item_handed_out or paths.queue_handed_out:
            continue
        wait = facts.waits.of(group)
        if wait is None:
            continue  # made here, never joined, never handed out: nothing waits on the count
        yield naming_wait(Finding(loop.gets[0]), WAITED, wait)


gate = consumer_gate


def possible(e: Evidence) -> bool:
    """Could the rule fire here? On CPython's tree, before LibCST parses the file:
    a consumer loop (a get in a loop on a queue) whose queue is acknowledged, joined, or a `JoinableQueue`."""
    return any(root in e.acked or root in e.joined or (e.process and root in e.kinded) for root, _, _ in e.loops)
