"""QL203 thread-join-on-endless-consumer

## What it does
Finds `t.join()` without a timeout on a thread or process (or on each of a list of them)
whose target runs a consumer loop that can never end: a `while True:` around blocking
`get()` calls, with no `break`, `return` or `raise` that leaves it. Also a loop that
cannot notice its stop condition: `while not stop.is_set():` (or `while self.running:`)
around blocking `get()` calls, with no sentinel that leaves it, when nothing is put
into a queue between the last `stop.set()` and the `join()` to wake it. A loop whose
get has a timeout, or that breaks on a sentinel, is fine.

The target may be a module-level function of another module of the project (`from
app.workers import consume`, an absolute import): its `while True:` loop is judged
there as here, and the message names that file. Across modules, the calls the target
makes are not followed, and a loop on a stop flag is not judged.

## Why is this bad?
The worker waits in `get()` for ever, so `t.join()` never returns and the program hangs
at shutdown. Waiting for the *work* is `q.join()`; ending the worker needs a sentinel
it breaks on, or a daemon thread that dies with the program.

## Example
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
t = threading.Thread(target=worker, args=(q,))
t.start()
for job in load_jobs():
    q.put(job)
t.join()
```

## Use instead
```python
import queue
import threading

from jobs import handle, load_jobs

def worker(q):
    while True:
        item = q.get()
        if item is None:
            break
        try:
            handle(item)
        finally:
            q.task_done()

q = queue.Queue()
t = threading.Thread(target=worker, args=(q,))
t.start()
for job in load_jobs():
    q.put(job)
q.join()  # all work done
q.put(None)  # the worker breaks on the sentinel
t.join()
```

## Fix safety
No autofix.
"""

from __future__ import annotations

from typing import Iterator

import libcst as cst

from qlint.analysis.facts import ModuleFacts
from qlint.prefilter import Evidence
from qlint.rules.base import untimed_join_gate, worker_gate

CODE = "QL203"
NAME = "thread-join-on-endless-consumer"
# The README's rule table: when the rule fires, in one line.
FIRES_WHEN = "`t.join()` without timeout on a thread whose consumer loop can never end"
MESSAGE = (
    "the worker's consumer loop never ends, so this join() blocks forever; wait for the "
    "work with q.join(), and end workers with a sentinel (or make them daemons)"
)


def check(facts: ModuleFacts) -> Iterator[tuple[cst.CSTNode, str]]:
    threads = facts.threads
    seen: set[int] = set()
    for worker in threads.workers:
        if worker.kind not in ("thread", "process") or worker.stopped_at:
            continue
        endless = threads.endless_worker(worker)
        if not endless and not threads.flag_consumer(worker.target):
            continue
        for at, node, timed in worker.joins:
            if timed or id(node) in seen or not _is_join_call(node):
                continue
            if endless:
                message = (
                    f"{worker.name} runs a consumer loop that never ends, so this join() blocks "
                    "forever; wait for the work with q.join(), and end workers with a sentinel "
                    "(or make them daemons)"
                )
            elif threads.woken_after_stop(worker.scope, at, worker.started_at or -1):
                continue  # an item put after the stop signal wakes it to see its flag
            else:
                message = (
                    f"{worker.name} blocks in get() on an empty queue and never sees its stop "
                    "flag, so this join() blocks forever; use get(timeout=...) or put a sentinel"
                )
            seen.add(id(node))
            yield node, message


def _is_join_call(node: cst.CSTNode) -> bool:
    return isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and node.func.attr.value == "join"


def gate(text: str) -> bool:
    """On the file alone (a target imported from another module of the project is the
    project view's to ask for: ProjectView.rules_needed)."""
    return "get" in text and "while" in text and untimed_join_gate(text) and worker_gate(text)


def possible(e: Evidence) -> bool:
    """Could the rule fire here? On CPython's tree, before LibCST parses the file:
    `while True` round blocking gets, a Thread/Process class named, an untimed join()."""
    return (
        any(blocking
        and endless for _, blocking, endless in e.loops)
        and e.summary.untimed_join
        and bool(e.tokens & e.words.thread_makers)
    )
