"""QL102 path-skips-task-done

## What it does
Finds a consumer loop that calls `task_done()`, but has a path from its `get()` back
to the next `get()` (a `continue`, or the end of the loop body) that does not. A call of
a helper that calls `task_done()` on the queue on every path counts as one, whether the
helper is defined in this module or imported from another module of the project
(`from .acks import finish; finish(q)`, docs/project.md). A helper that acknowledges on
some paths only is not a certain acknowledgement: a loop whose only acknowledgement it
is, is not reported.

A path on which the get itself failed took nothing and owes nothing: an
`except queue.Empty:`, `except TimeoutError:` or `except asyncio.CancelledError:` after
a `get(timeout=...)`, `get_nowait()` or `asyncio.wait_for(q.get(), t)`, or a
`with contextlib.suppress(queue.Empty):` around it. When that path sets the item's
name to `None` (`except queue.Empty: msg = None`), `if msg is not None:` and `if msg:`
are read as "an item was taken" on the paths that took one.

Items that go into a container (`batch = [q.get()]`, `batch.append(q.get_nowait())`)
are owed by the container: `for _ in batch: q.task_done()` (or `range(len(batch))`)
acknowledges them all. One `task_done()` for a batch that can hold several items is
this finding too, at that `task_done()`.

A queue is *waited on* when `join()` is called on it anywhere in the module (also
`for q in (inbox, outbox): q.join()`), when a join written by hand reads its count
(`q.all_tasks_done`, `q.unfinished_tasks`, asyncio's `q._unfinished_tasks`), when it
is a `JoinableQueue`, when it came from a caller (this module does not make it: a
parameter, an attribute set from one, an import), or when it is handed out (returned,
stored in a container or on another object, passed to code qlint cannot see). A queue
made here that none of these reach is waited on by nobody, also when it reaches a
parameter through calls all in view, and a skipped `task_done()` changes nothing: qlint
then stays silent. The message names the wait: `the join() at line 88`, or `a caller's
join()`. A join in another module of the project counts too (`client._inbox.join()`,
a global of this module, a caller that passes the queue in; docs/project.md), and the
message names it: `the join() in tests/test_client.py:442`.

## Why is this bad?
Every item taken must be acknowledged exactly once. An item that goes round the loop
unacknowledged, typically skipped by an early `continue`, leaves the unfinished-task
count above zero and `q.join()` blocks forever.

## Example
```python
import queue
import threading

from jobs import load_jobs, process

def worker(q):
    while True:
        item = q.get()
        if item.is_stale():
            continue
        process(item)
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
            if item.is_stale():
                continue
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

import libcst as cst

from qlint.analysis.facts import ModuleFacts
from qlint.analysis.path_state import ACK_AFTER_RAISER, BACK_UNACKNOWLEDGED, ONE_ACK_FOR_BATCH
from qlint.prefilter import Evidence
from qlint.rules.base import Finding, consumer_gate, naming_wait

CODE = "QL102"
NAME = "path-skips-task-done"
# The README's rule table: when the rule fires, in one line.
FIRES_WHEN = (
    "the loop acknowledges, but a path back to the next `get()` does not (points at the "
    "`continue`, else the `get()`), or one `task_done()` stands for a batch of items; only on a"
    " queue something waits on"
)
MESSAGE = (
    "this path goes back to the next get() without task_done(): join() waits forever for "
    "the item; acknowledge it on every path (a try/finally around the body)"
)

WAITED = (
    "this path goes back to the next get() without task_done(): {wait} then waits forever for "
    "the item; acknowledge it on every path (a try/finally around the body)"
)

BATCH = (
    "one task_done() for a batch that can hold several items: {wait} then waits forever for "
    "the others; acknowledge each item (`for _ in batch: q.task_done()`)"
)


def check(facts: ModuleFacts) -> Iterator[Finding]:
    for loop in facts.consumers.loops:
        paths = loop.paths
        if paths is None or not paths.saw_task_done:
            continue  # "the loop calls task_done()" must be certain, not a helper's maybe
        wait = facts.waits.of(loop.group)
        if wait is None:
            continue  # nobody waits on this queue: a skipped task_done() changes nothing
        # An exception path that skips task_done() is QL104's finding when it has one.
        quiet_exceptions = bool(paths.of(ACK_AFTER_RAISER))
        # A path may come back from several gets: name the first in source order, so the
        # output does not depend on the order states were explored in.
        order = facts.threads.position
        first_get: dict[int, tuple[cst.CSTNode, cst.CSTNode]] = {}
        for event in paths.of(BACK_UNACKNOWLEDGED):
            node, get = event.node, event.get
            if get is None or (event.via_exception and quiet_exceptions):
                continue
            known = first_get.get(id(node))
            if known is None or order.get(id(get), -1) < order.get(id(known[1]), -1):
                first_get[id(node)] = (node, get)
        for node, get in first_get.values():
            steps: tuple[tuple[cst.CSTNode, str], ...] = ((get, "the item is taken here"),)
            if node is not get:
                steps += ((node, "and this path goes back to the next get() without task_done()"),)
            yield naming_wait(Finding(node, steps=steps), WAITED, wait)
        for node in paths.nodes(ONE_ACK_FOR_BATCH):
            yield naming_wait(Finding(node, BATCH), BATCH, wait)


gate = consumer_gate


def possible(e: Evidence) -> bool:
    """Could the rule fire here? On CPython's tree, before LibCST parses the file:
    a consumer loop on a queue with a task_done(): paths count that queue's acknowledgements."""
    return any(root in e.acked for root, _, _ in e.loops)
