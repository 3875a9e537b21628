"""QL201 queue-join-with-timeout

## What it does
Finds `q.join(...)` called with an argument on a standard-library queue (`queue.Queue`
and friends, `asyncio.Queue`, `multiprocessing.JoinableQueue`), known from how it was
built, annotated or passed in.

## Why is this bad?
`Queue.join()` takes no argument: `q.join(timeout=5)` raises `TypeError` at run time.
`Thread.join(timeout)` does take one, which is where the habit comes from. Queues of
other libraries (`tornado.queues.Queue`, a project's own class) may accept a timeout and
are not reported.

## Example
```python
import queue

from jobs import load_jobs, start_workers

q = queue.Queue()
start_workers(q)
for job in load_jobs():
    q.put(job)
q.join(timeout=30)
```

## Use instead
```python
import queue

from jobs import load_jobs, start_workers

q = queue.Queue()
start_workers(q)
for job in load_jobs():
    q.put(job)
q.join()  # to bound the wait: q.join() in a daemon thread, and join that thread with a timeout
```

## Fix safety
No autofix: the timeout was meant to bound the wait, and dropping it changes that.
"""

from __future__ import annotations

from typing import Iterator

import libcst as cst

from qlint.analysis.facts import ModuleFacts
from qlint.prefilter import Evidence
from qlint.rules.base import join_with_argument_gate

CODE = "QL201"
NAME = "queue-join-with-timeout"
# The README's rule table: when the rule fires, in one line.
FIRES_WHEN = "`q.join(...)` with an argument on a standard-library queue: `TypeError`"
MESSAGE = (
    "Queue.join() takes no argument: this call raises TypeError; call join() without one "
    "(to bound the wait, join in a daemon thread and join that thread with a timeout)"
)


def check(facts: ModuleFacts) -> Iterator[cst.CSTNode]:
    queues = facts.queues
    for group in queues.groups.values():
        for site in group.methods.get("join", ()):
            if site.node.args:
                rows = queues.rows_reaching(site.scope, site.receiver)
                if rows and all(row.joinable and not row.join_timeout for row in rows):
                    yield site.node  # no class that made it takes a join() argument


gate = join_with_argument_gate


def possible(e: Evidence) -> bool:
    """Could the rule fire here? On CPython's tree, before LibCST parses the file:
    a join with arguments of a queue of known kind, and a class whose join takes none named."""
    return e.some(e.summary.joins_with_args, e.kinded) and bool(e.tokens & e.words.standard)
