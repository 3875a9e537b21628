"""QL107 empty-check-then-get

## What it does
Finds a blocking `get()` in a loop that checks the queue first, `while not q.empty():`
(also `while q.qsize():`, `while q.qsize() > 0:`), in a function that more than one
worker runs: the same target started several times (`Thread(target=f)` in a loop or a
comprehension, several `Thread(target=f)` / `Process(target=f)` / `submit(f, ...)`
calls, a `Thread` subclass made in a loop), or several asyncio tasks made from it.

One consumer is fine: nothing else takes the item between its check and its `get()`.
So is a loop whose `get()` cannot block (`get_nowait()`, `get(timeout=...)`), and so are
daemon threads that nobody joins (the program waits with `q.join()` and exits; a thread
left blocked dies with it): it fires only when a blocked worker hangs something, a
`join()` or `await` without timeout, an executor's shutdown, or a non-daemon thread or a
process that keeps the program alive.

## Why is this bad?
The check and the `get()` are two steps. With one item left, two workers both see a
non-empty queue; one takes the item, and the other blocks in `get()` for ever, waiting
for an item that will never come. Its `t.join()` hangs, and a non-daemon thread keeps
the process alive at exit.

For asyncio tasks the race needs an `await` between the check and the `get()`: an
awaited `q.get()` on a non-empty queue returns without letting another task run, so qlint
reports a task's loop only when something is awaited before the `get()` in its body.

## Example
```python
import queue
import threading

from jobs import handle, load_jobs


def worker(q):
    while not q.empty():
        item = q.get()
        handle(item)


q = queue.Queue()
for job in load_jobs():
    q.put(job)
threads = [threading.Thread(target=worker, args=(q,)) for _ in range(4)]
for t in threads:
    t.start()
for t in threads:
    t.join()
```

## Use instead
```python
import queue
import threading

from jobs import handle, load_jobs


def worker(q):
    while True:
        try:
            item = q.get_nowait()
        except queue.Empty:
            break
        handle(item)


q = queue.Queue()
for job in load_jobs():
    q.put(job)
threads = [threading.Thread(target=worker, args=(q,)) for _ in range(4)]
for t in threads:
    t.start()
for t in threads:
    t.join()
```

## Fix safety
Unsafe: `--unsafe-fixes` rewrites `while not q.empty():` (or the `qsize()` test) to
`while True:` and the `get()` to `get_nowait()` in a `try` whose `except queue.Empty:`
breaks, importing the exception in the file's style. It is offered only when the
`get()` is the loop's first statement, on a line of its own, the test is the check
alone and the loop has no `else:`. It changes what a worker does when the queue is
refilled later: it stops at the first moment it finds the queue empty, as the check did,
but no longer waits for an item it was promised.
"""

from __future__ import annotations

from typing import Iterator, Optional

import libcst as cst

from qlint.analysis.await_paths import awaits
from qlint.analysis.facts import ModuleFacts
from qlint.analysis.model import CallSite, Scope
from qlint.analysis.names import blocking_get
from qlint.analysis.threads import Worker
from qlint.fixes.blocks import chain_to
from qlint.fixes.exceptions import exception_reference
from qlint.fixes.model import UNSAFE, Fix, Replacement
from qlint.prefilter import Evidence
from qlint.rules.base import Finding, empty_check_gate

CODE = "QL107"
NAME = "empty-check-then-get"
# The README's rule table: when the rule fires, in one line.
FIRES_WHEN = (
    "`while not q.empty(): item = q.get()` (or a `qsize()` test) in a function that several "
    "threads, processes or tasks run: two see the last item, the other blocks in `get()` for "
    "ever"
)
MESSAGE = (
    "more than one worker runs this empty()/qsize() check and then a blocking get(): two can see "
    "the last item, and the one that does not get it blocks for ever (joining it hangs); take with "
    "get_nowait() and stop on Empty instead"
)
FIXABLE = True


def check(facts: ModuleFacts) -> Iterator[Finding]:
    gets_by_loop: dict[int, list[CallSite]] = {}
    for site in facts.record.calls:
        func = site.node.func
        if site.loops and isinstance(func, cst.Attribute) and func.attr.value == "get" and blocking_get(site.node):
            gets_by_loop.setdefault(id(site.loops[-1]), []).append(site)
    if not gets_by_loop or not facts.threads.workers:
        return
    sites = {id(site.node): site for site in facts.record.calls}
    for loop, scope, _ in facts.record.loops:
        gets = gets_by_loop.get(id(loop))
        if not gets or not isinstance(loop, cst.While) or scope.kind != "function":
            continue
        checked = _checked_queue(loop.test)
        if checked is None:
            continue
        group = facts.queues.group(scope, checked[0])
        if group is None or not group.is_queue:
            continue
        rows = facts.queues.rows_reaching(scope, checked[0])
        awaited_kind = bool(rows) and all(row.awaited for row in rows) or scope.is_async
        if not _several_run(facts, scope, sites, tasks=awaited_kind) or not _stuck_worker_matters(facts, scope):
            continue
        for site in gets:
            call = site.node
            if site.scope is not scope or facts.queues.group_of_call.get(id(call)) is not group:
                continue
            awaited = id(call) in facts.record.awaited
            if awaited != awaited_kind:
                continue  # an unawaited get of an asyncio queue is QL303's; a thread queue's in a coroutine, another bug
            if awaited and not _awaits_before(loop, call):
                continue  # check and get run as one step: no other task runs between them
            yield Finding(call, fix=None if awaited else _fix(facts, scope, loop, checked[1], call))


def _checked_queue(test: cst.BaseExpression) -> Optional[tuple[cst.BaseExpression, bool]]:
    """The queue a loop test checks for items (`not q.empty()`, `q.qsize()`, `q.qsize() > 0`),
    and whether the test is that check alone; a check joined by `and` counts too."""
    if isinstance(test, cst.BooleanOperation) and isinstance(test.operator, cst.And):
        found = _checked_queue(test.left) or _checked_queue(test.right)
        return (found[0], False) if found else None
    if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
        receiver = _method_receiver(test.expression, "empty")
        return (receiver, True) if receiver is not None else None
    receiver = _method_receiver(test, "qsize")
    if receiver is not None:
        return receiver, True
    if isinstance(test, cst.Comparison) and len(test.comparisons) == 1:
        target = test.comparisons[0]
        operator, right = target.operator, target.comparator
        left = _method_receiver(test.left, "qsize")
        if left is not None and _number(right) == 0 and isinstance(operator, (cst.GreaterThan, cst.NotEqual)):
            return left, True
        if left is not None and _number(right) == 1 and isinstance(operator, cst.GreaterThanEqual):
            return left, True
        flipped = _method_receiver(right, "qsize")
        if flipped is not None and _number(test.left) == 0 and isinstance(operator, (cst.LessThan, cst.NotEqual)):
            return flipped, True
        if flipped is not None and _number(test.left) == 1 and isinstance(operator, cst.LessThanEqual):
            return flipped, True
    return None


def _method_receiver(expr: cst.BaseExpression, method: str) -> Optional[cst.BaseExpression]:
    if isinstance(expr, cst.Call) and not expr.args and isinstance(expr.func, cst.Attribute):
        if expr.func.attr.value == method:
            return expr.func.value
    return None


def _number(expr: cst.BaseExpression) -> Optional[int]:
    if isinstance(expr, cst.Integer):
        try:
            return int(expr.value, 0)
        except ValueError:
            return None
    return None


def _several_run(facts: ModuleFacts, function: Scope, sites: dict[int, CallSite], *, tasks: bool) -> bool:
    """More than one worker may run `function` at once: made twice, or made in a loop or
    a comprehension (tasks for a coroutine, threads, processes or futures otherwise)."""
    kinds = ("task",) if tasks else ("thread", "process", "future")
    workers = [w for w in facts.threads.workers if w.target is function and w.kind in kinds]
    return len(workers) > 1 or any(_repeated(facts, w, sites) for w in workers)


def _stuck_worker_matters(facts: ModuleFacts, function: Scope) -> bool:
    """A worker left blocked in get() hangs something: a join() (or await, gather) without
    a timeout waits for it, an executor waits for its future at shutdown, or it is a
    non-daemon thread or a process that keeps the program alive at exit. A daemon thread
    nobody joins dies with the program: the race costs nothing there."""
    for worker in facts.threads.workers:
        if worker.target is not function:
            continue
        if worker.kind == "future" or any(not timed for _, _, timed in worker.joins):
            return True
        if worker.kind in ("thread", "process") and not _daemon(facts, worker):
            return True
    return False


def _daemon(facts: ModuleFacts, worker: Worker) -> bool:
    """`Thread(..., daemon=True)`, or `x.daemon = True` / `x.setDaemon(True)` somewhere in
    the module (which thread `x` holds is not followed)."""
    for arg in worker.node.args:
        if arg.keyword is not None and arg.keyword.value == "daemon":
            return isinstance(arg.value, cst.Name) and arg.value.value == "True"
    for assignment in facts.record.assignments:
        target, value = assignment.target, assignment.value
        if isinstance(target, cst.Attribute) and target.attr.value == "daemon":
            if isinstance(value, cst.Name) and value.value == "True":
                return True
    return any(
        isinstance(site.node.func, cst.Attribute) and site.node.func.attr.value == "setDaemon"
        for site in facts.record.calls
    )


def _repeated(facts: ModuleFacts, worker: Worker, sites: dict[int, CallSite]) -> bool:
    site = sites.get(id(worker.node))
    if site is None:
        return False
    return bool(site.loops or site.scope.loops_outside) or id(worker.node) in facts.record.in_comprehension


def _awaits_before(loop: cst.While, call: cst.Call) -> bool:
    """Something is awaited in the loop body before the statement that holds `call`."""
    chain = chain_to(loop.body, call)
    if chain is None:
        return False
    for node, child in zip(chain, chain[1:]):
        body = getattr(node, "body", None)
        if isinstance(body, (list, tuple)):
            for statement in body:
                if statement is child:
                    break
                if awaits(statement):
                    return True
    return False


def _fix(facts: ModuleFacts, scope: Scope, loop: cst.While, alone: bool, call: cst.Call) -> Optional[Fix]:
    """`while True:` and `try: x = q.get_nowait()` / `except queue.Empty: break`."""
    if not alone or loop.orelse is not None or not isinstance(loop.body, cst.IndentedBlock):
        return None
    first = loop.body.body[0]
    if not isinstance(first, cst.SimpleStatementLine) or len(first.body) != 1:
        return None
    small = first.body[0]
    if not (
        (isinstance(small, cst.Expr) and small.value is call)
        or (isinstance(small, cst.Assign) and len(small.targets) == 1 and small.value is call)
    ):
        return None
    if call.args:
        return None  # `get(True)`, `get(timeout=None)`: get_nowait() takes no argument
    rebound = {name for each in facts.record.scopes for name in each.declared_global}
    found = exception_reference(facts.module, scope, "queue.Empty", rebound)
    if found is None:
        return None
    reference, import_change = found
    assert isinstance(call.func, cst.Attribute)
    nowait = call.with_changes(func=call.func.with_changes(attr=cst.Name("get_nowait")))
    taking = first.with_changes(body=[small.with_changes(value=nowait)], leading_lines=[])
    attempt = cst.Try(
        body=cst.IndentedBlock(body=[taking]),
        handlers=[
            cst.ExceptHandler(
                body=cst.IndentedBlock(body=[cst.SimpleStatementLine(body=[cst.Break()])]),
                type=reference,
            )
        ],
        leading_lines=first.leading_lines,
    )
    body = loop.body.with_changes(body=[attempt, *loop.body.body[1:]])
    changes: list[tuple[cst.CSTNode, Replacement]] = [(loop, loop.with_changes(test=cst.Name("True"), body=body))]
    if import_change is not None:
        changes.append(import_change)
    return Fix(UNSAFE, "Use get_nowait() and stop on queue.Empty", tuple(changes))


gate = empty_check_gate


def possible(e: Evidence) -> bool:
    """Could the rule fire here? On CPython's tree, before LibCST parses the file:
    a blocking get in a loop on a queue, an empty()/qsize() check, something that makes a worker."""
    return (
        any(blocking for _, blocking, _ in e.loops)
        and bool(e.tokens & {"empty", "qsize"})
        and bool(e.tokens & e.words.worker_makers)
    )
