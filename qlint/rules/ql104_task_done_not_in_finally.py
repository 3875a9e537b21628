"""QL104 task-done-not-in-finally

## What it does
Finds a `task_done()` that an exception can skip: code that can raise runs after the
`get()`, and an exception raised there leaves the iteration (the loop, the function,
or back to the next `get()`) without reaching a `task_done()`. The exception is
followed as Python follows it: to the innermost handler that catches it, through the
`finally` blocks on the way. A handler that catches everything (`Exception`,
`BaseException`, a bare `except:`) and does not re-raise keeps the exception in the
iteration, so `try: work(item); q.task_done() except Exception: log(); q.task_done()`
is correct; `except ValueError:` lets every other exception leave. Code inside a
handler that catches everything is taken to report the error, not to raise again.

Calls that do not raise in practice are not raising points (`qlint/analysis/raising.py`):
- logging calls on a logger (`log.info(...)`, `self.logger.exception(...)`, `logging.warning(...)`);
- `time.sleep`, `asyncio.sleep`, `time.time`, `time.monotonic`;
- `event.set()`, `clear()`, `is_set()`; `lock.acquire()`, `release()`; `with lock:`;
- `contextlib.suppress(...)`, `nullcontext()`;
- `put()`/`put_nowait()` on a queue created unbounded in this module;
- `append`, `appendleft`, `extend`, `add`, `insert` on any receiver;
- `len`, `isinstance`, `issubclass`, `id`, `callable`; comparisons and `is None` tests;
- `task_done()` itself;
- a function of this module whose whole body is `try: ... except Exception:` (or
  `BaseException`, or bare) without a `raise`, also when called as `self.method()`.

A quiet call whose arguments can raise still can: `out.append(json.loads(raw))`
raises in `json.loads`, `out.append(item * 2)` in the `*`. `print` is not quiet: it
raises `BrokenPipeError` when the output is piped into `head`, and
`UnicodeEncodeError` on a console that cannot show the text. A `yield` is a raising
point, because whoever drives the generator can throw into it or close it. An
exception from the get itself (`wait_for(q.get(), t)`, `get(timeout=...)`) means no
item was taken: nothing is owed. A queue local to the very function whose loop consumes
it (made there, never passed on) dies with that function when an exception ends it,
and so does every `join()` of it: no finding there. Nor when every `join()` of a queue
made here is awaited in `asyncio.gather(q.join(), *workers)` together with every task
that runs the loop (without `return_exceptions=True`): the exception ends its task, and
gather() raises it at once instead of waiting.

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
If the processing raises, `task_done()` is skipped: the unfinished-task count never
reaches zero and `q.join()` blocks forever. In a worker thread the exception also
ends the thread, so the remaining items are never processed either.

## Example
```python
import queue
import threading

from jobs import load_jobs, process

def worker(q):
    while True:
        item = q.get()
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
import logging
import queue
import threading

from jobs import load_jobs, process

log = logging.getLogger(__name__)

def worker(q):
    while True:
        item = q.get()
        try:
            process(item)
        except Exception:
            log.exception("failed: %r", item)
        finally:
            q.task_done()

q = queue.Queue()
threading.Thread(target=worker, args=(q,), daemon=True).start()
for job in load_jobs():
    q.put(job)
q.join()
```

## Fix safety
Safe: `--fix` wraps the statements between the `get()` and the `task_done()` in
`try:` ... `finally: q.task_done()`. Sentinel checks right after the `get()`
(`if item is None: ...; break`) stay outside the `try`; a `task_done()` that ends a
`with` block moves to the `finally` after the block. No fix is offered when the wrapped
statements `continue`, `break`, `return` or call `task_done()` themselves (the `finally`
would then acknowledge on a path that did not before).

The fix keeps the count right, so `q.join()` no longer hangs on an item whose
processing failed; but the exception still ends a worker thread, and a program whose
only worker died still waits for the items nobody is left to take. Catch and log the
error (see above) to keep the worker alive.
"""

from __future__ import annotations

from typing import Iterator

import libcst as cst

from qlint.analysis.consumers import ConsumerLoop
from qlint.analysis.facts import ModuleFacts
from qlint.analysis.path_state import ACK_AFTER_RAISER
from qlint.fixes.acknowledge import wrap_processing
from qlint.prefilter import Evidence
from qlint.rules.base import Finding, acknowledges_in, consumer_gate, path_findings

CODE = "QL104"
NAME = "task-done-not-in-finally"
# The README's rule table: when the rule fires, in one line.
FIRES_WHEN = (
    "an exception raised between `get()` and `task_done()` leaves the iteration without "
    "acknowledging (followed to the handler that catches it; calls that do not raise in "
    "practice are not counted); only on a queue something waits on"
)
MESSAGE = (
    "task_done() is skipped when the processing above raises: join() then waits forever; "
    "call it in a finally: block"
)

WAITED = (
    "task_done() is skipped when the processing above raises: {wait} then waits forever; "
    "call it in a finally: block"
)

FIXABLE = True


def check(facts: ModuleFacts) -> Iterator[Finding]:
    # A queue local to the consumer's own function dies with it: the exception that skips
    # task_done() ends the function, and every join() of that queue with it.
    return path_findings(
        facts,
        ACK_AFTER_RAISER,
        lambda loop, done: wrap_processing(loop.node, loop.gets, done, acknowledges_in(facts, loop.group)),
        waited=WAITED,
        only=lambda loop: not facts.waits.local_to(loop.group, loop.scope) and not _gathered_with_its_tasks(facts, loop),
    )


def _gathered_with_its_tasks(facts: ModuleFacts, loop: ConsumerLoop) -> bool:
    """`await asyncio.gather(q.join(), *workers)`, the workers being every task that runs
    this loop, is every join of a queue made here: a worker's exception ends the gather."""
    joins = [site.node for site in loop.group.methods.get("join", [])]
    runners = [worker for worker in facts.threads.workers if worker.target is loop.scope]
    if not joins or not runners or not loop.group.constructed or any(w.kind != "task" for w in runners):
        return False
    for join in joins:
        shared = set.intersection(*({id(node) for _, node, _ in worker.joins} for worker in runners))
        gathers = [node for _, node, _ in runners[0].joins if id(node) in shared and _gathers(node, join)]
        if not gathers:
            return False
    return True


def _gathers(node: cst.CSTNode, join: cst.CSTNode) -> bool:
    """`gather(..., join, ...)` without `return_exceptions` (which would keep the exception)."""
    if not isinstance(node, cst.Call):
        return False
    func = node.func
    name = func.attr.value if isinstance(func, cst.Attribute) else func.value if isinstance(func, cst.Name) else ""
    return (
        name == "gather"
        and not any(arg.keyword is not None and arg.keyword.value == "return_exceptions" for arg in node.args)
        and any(arg.value is join for arg in node.args)
    )


gate = consumer_gate


def possible(e: Evidence) -> bool:
    """Could the rule fire here? On CPython's tree, before LibCST parses the file:
    a consumer loop on a queue with a task_done(): paths count that queue's acknowledgements."""
    return any(root in e.acked for root, _, _ in e.loops)
