"""QL103 task-done-before-processing

## What it does
Finds a `task_done()` after which the item (or a value computed from it) is still
used for work in the same iteration of the consumer loop: a call or an `await` that
uses it. Handing the item on is not work: `del item`, rebinding the name, `is None`
tests, `print` and logging calls, collecting it into a local list, `return` and `yield`.

With asyncio, `task_done()` lets a waiting `join()` run only at the consumer's next
`await`: when no `await` comes between `task_done()` and the last use of the item,
`join()` cannot see the early acknowledgement, and this rule stays silent. With
threads and processes, any use after `task_done()` counts.

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
`task_done()` tells `q.join()` the item is finished. Called before the work, it lets
`join()` return while the item is still being processed: the main thread goes on (or
exits, killing daemon workers) with work half done.

## Example
```python
import queue
import threading

from jobs import load_jobs, process

def worker(q):
    while True:
        item = q.get()
        q.task_done()
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
Unsafe: with `--fix --unsafe-fixes`, the `task_done()` moves below the rest of its
block, into a `finally:` around it. When it already ends the `finally:` of a plain
`try:` (one without `except` or `else`), the statements after that `try` move into it
instead. Either way the acknowledgement ends up below every later use of the item and of
the values derived from it; where that cannot be done by moving it within one block
(a use after the `if` or `with` that holds it), no fix is offered. That changes when `q.join()` returns, which is the
point, but code that relied on the early return (or processing that never ends) then
keeps `join()` waiting: review the change.
"""

from __future__ import annotations

from typing import Iterator

from qlint.analysis.facts import ModuleFacts
from qlint.analysis.path_state import USED_AFTER_ACK
from qlint.fixes.acknowledge import acknowledge_last
from qlint.prefilter import Evidence
from qlint.rules.base import Finding, acknowledges_in, consumer_gate, item_uses, path_findings

CODE = "QL103"
NAME = "task-done-before-processing"
# The README's rule table: when the rule fires, in one line.
FIRES_WHEN = (
    "the item, or a value computed from it, is used for work after `task_done()` (asyncio: "
    "after a later `await`); only on a queue something waits on"
)
MESSAGE = (
    "task_done() before the item is processed: join() can return while the work is still "
    "running; call task_done() after the processing, in a finally"
)

WAITED = (
    "task_done() before the item is processed: {wait} can return while the work is still "
    "running; call task_done() after the processing, in a finally"
)

FIXABLE = True


def check(facts: ModuleFacts) -> Iterator[Finding]:
    return path_findings(
        facts,
        USED_AFTER_ACK,
        lambda loop, done: acknowledge_last(
            loop.node, done, acknowledges_in(facts, loop.group), item_uses(facts, loop)
        ),
        waited=WAITED,
    )


gate = consumer_gate


def possible(e: Evidence) -> bool:
    """Could the rule fire here? On CPython's tree, before LibCST parses the file:
    a consumer loop on a queue with a task_done(): paths count that queue's acknowledgements."""
    return any(root in e.acked for root, _, _ in e.loops)
