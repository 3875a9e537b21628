"""QL202 join-on-non-joinable

## What it does
Finds `join()` or `task_done()` called on a queue that has neither:
`queue.SimpleQueue`, `multiprocessing.Queue`, `multiprocessing.SimpleQueue`.

The queue may be a class attribute built in another module of the project:
`stats.events.join()`, where `stats = Collector()` or `stats: Collector` names a class
imported (absolutely) from a module whose `Collector` sets `self.events =
queue.SimpleQueue()`. The message names that file.

## Why is this bad?
These classes do not count unfinished tasks, so the call raises `AttributeError` at run
time. (`multiprocessing.Queue.join_thread()` is something else: it waits for the
queue's feeder thread, not for the work.)

## Example
```python
import multiprocessing

from jobs import load_jobs, start_workers

q = multiprocessing.Queue()
start_workers(q)
for job in load_jobs():
    q.put(job)
q.join()
```

## Use instead
```python
import multiprocessing

from jobs import load_jobs, start_workers

q = multiprocessing.JoinableQueue()
start_workers(q)  # whose consumers call q.task_done()
for job in load_jobs():
    q.put(job)
q.join()
```

## Fix safety
No autofix: the consumers must also call `task_done()`.
"""

from __future__ import annotations

import os
from typing import Iterator, Union

import libcst as cst

from qlint.analysis.facts import ModuleFacts
from qlint.prefilter import Evidence
from qlint.registry import NOT_JOINABLE
from qlint.rules.base import Finding, non_joinable_gate

CODE = "QL202"
NAME = "join-on-non-joinable"
# The README's rule table: when the rule fires, in one line.
FIRES_WHEN = "`join()`/`task_done()` on `SimpleQueue` or `multiprocessing.Queue`: `AttributeError`"
MESSAGE = (
    "this queue class has no join() or task_done(): AttributeError at run time; use "
    "queue.Queue or multiprocessing.JoinableQueue to wait for the work"
)


def check(facts: ModuleFacts) -> Iterator[Union[cst.CSTNode, Finding]]:
    queues = facts.queues
    for group in queues.groups.values():
        for method in ("join", "task_done"):
            for site in group.methods.get(method, ()):
                if queues.kinds_reaching(site.scope, site.receiver) == {NOT_JOINABLE}:
                    elsewhere = queues.made_elsewhere(site.scope, site.receiver)
                    if elsewhere is None:
                        yield site.node
                        continue
                    shown, line = elsewhere
                    root = queues.project.root if queues.project is not None else ""
                    yield Finding(
                        site.node,
                        message=(
                            f"this queue class (made in {shown}:{line}) has no join() or task_done(): "
                            "AttributeError at run time; use queue.Queue or multiprocessing.JoinableQueue "
                            "to wait for the work"
                        ),
                        related=((os.path.join(root, shown), line, 1, "the queue is made here"),),
                    )


gate = non_joinable_gate


def possible(e: Evidence) -> bool:
    """Could the rule fire here? On CPython's tree, before LibCST parses the file:
    join()/task_done() of a queue of known kind, and a class without them named with its module."""
    return e.some(e.summary.calls["join"] | e.summary.calls["task_done"], e.kinded) and any(
        {module, name} <= e.tokens for module, name in e.words.not_joinable
    )
