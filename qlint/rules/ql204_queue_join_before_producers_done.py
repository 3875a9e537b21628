"""QL204 queue-join-before-producers-done

## What it does
Finds `q.join()` while threads, processes or tasks started earlier in the same function,
whose target puts into `q`, have not been joined (or awaited) yet.

A pipeline stage joined after the stage that feeds it is done: when a worker puts into
`q` only from its consumer loop of another queue, each put before that loop's
`task_done()`, and that other queue was joined first (`urls.join(); pages.join()`),
every put it will make from that input was made. A stage that can put after its
`task_done()` is still reported. So is a producer known to be done otherwise: joined,
awaited or gathered before `q.join()`, or one whose consumers were all joined first (a
consumer ends on the sentinel put after the work, so nothing put later can make
`join()` return early; it would hang it instead).

A producer may be defined in another module of the project (`from app.producers import
produce`, absolute imports): a function there that puts into the parameter the queue
is handed as, and gets from no queue, is a producer; the message names its file.

## Why is this bad?
`q.join()` returns as soon as every item put *so far* is acknowledged. If consumers
catch up with a producer that is still running, the count touches zero and `join()`
returns before all the work was queued: the program goes on (or exits) with work
undone, depending on timing.

## Example
```python
import queue
import threading

from jobs import load_jobs, process

def produce(q):
    for job in load_jobs():
        q.put(job)

def consume(q):
    while True:
        item = q.get()
        try:
            process(item)
        finally:
            q.task_done()

q = queue.Queue()
threading.Thread(target=consume, args=(q,), daemon=True).start()
producer = threading.Thread(target=produce, args=(q,))
producer.start()
q.join()
```

## Use instead
```python
import queue
import threading

from jobs import load_jobs, process

def produce(q):
    for job in load_jobs():
        q.put(job)

def consume(q):
    while True:
        item = q.get()
        try:
            process(item)
        finally:
            q.task_done()

q = queue.Queue()
threading.Thread(target=consume, args=(q,), daemon=True).start()
producer = threading.Thread(target=produce, args=(q,))
producer.start()
producer.join()  # everything is queued
q.join()  # everything is done
```

## Fix safety
No autofix.
"""

from __future__ import annotations

from typing import Iterator

import libcst as cst

from qlint.analysis.facts import ModuleFacts
from qlint.analysis.model import Scope
from qlint.analysis.queues import QueueGroup
from qlint.prefilter import Evidence
from qlint.rules.base import empty_join_gate, worker_gate

CODE = "QL204"
NAME = "queue-join-before-producers-done"
# The README's rule table: when the rule fires, in one line.
FIRES_WHEN = "`q.join()` while producer threads/tasks started earlier in the function are not yet joined"
MESSAGE = (
    "q.join() while producers may still be putting: join() can return before all work "
    "was queued; join the producers first"
)


def check(facts: ModuleFacts) -> Iterator[tuple[cst.CSTNode, str]]:
    threads = facts.threads
    for group in facts.queues.groups.values():
        if not group.is_queue:
            continue
        for site in group.methods.get("join", ()):
            if site.node.args:
                continue  # Queue.join() takes none: that is QL201's TypeError, not a race
            at = threads.position[id(site.node)]
            if _consumers_joined_before(facts, group, site.scope, at):
                continue
            producers = sorted(
                {
                    worker.name
                    for worker in threads.workers
                    if worker.scope is site.scope
                    and worker.started_at is not None
                    and worker.started_at < at
                    and (
                        threads.puts_into(worker.target, site.scope, site.receiver)
                        or threads.remote_puts_into(worker, site.scope, site.receiver)
                    )
                    and not threads.consumes(worker.target, group)
                    and not worker.joined_before(at)
                    and not threads.fed_from_joined_stage(worker, site.scope, site.receiver, at)
                }
            )
            if producers:
                names = ", ".join(producers)
                yield site.node, (
                    f"q.join() while producers ({names}) may still be putting: join() can "
                    "return before all work was queued; join the producers first"
                )


def _consumers_joined_before(facts: ModuleFacts, group: QueueGroup, scope: Scope, at: float) -> bool:
    """Every worker started here that consumes the queue has been joined already. A
    consumer ends only when its loop does (on a sentinel, put after the work): join()
    cannot then return before work a producer puts later; that work would hang it instead."""
    threads = facts.threads
    consumers = [
        worker
        for worker in threads.workers
        if worker.scope is scope
        and worker.started_at is not None
        and worker.started_at < at
        and (threads.consumes(worker.target, group) or threads.remote_consumes(worker, group))
    ]
    return bool(consumers) and all(
        any(when < at and not timed for when, _, timed in worker.joins) for worker in consumers
    )


def gate(text: str) -> bool:
    """On the file alone (a producer imported from another module of the project is the
    project view's to ask for: ProjectView.rules_needed)."""
    return "put" in text and empty_join_gate(text) and worker_gate(text)


def possible(e: Evidence) -> bool:
    """Could the rule fire here? On CPython's tree, before LibCST parses the file:
    q.join() of a queue a worker's put() shares an origin with, and something that makes a worker."""
    return e.some(e.summary.joins_without_args, e.queue, e.put) and bool(e.tokens & e.words.worker_makers)
