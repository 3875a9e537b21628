"""QL303 asyncio-queue-not-awaited

## What it does
Finds `q.get()`, `q.put(item)` or `q.join()` of an `asyncio.Queue` (known from how it
was built, annotated or passed in) used as a statement, assigned, or entered by a `with`
or `async with` (`async with q.get() as item:`), without `await`.

The queue may be a class attribute built in another module of the project:
`client.inbox.put(x)`, where `client = Client()` or `client: Client` names a class
imported (absolutely) from a module whose `Client` sets `self.inbox = asyncio.Queue()`.
The message names that file; `--fix`, which judges each file alone, does not add the
`await` there.

## Why is this bad?
These methods are coroutines: calling one only creates a coroutine object, which never
runs. The item is not put, nothing is got (the "item" is a coroutine), the join does not
wait; Python warns "coroutine was never awaited" when it is collected.

## Example
```python
import asyncio

async def produce(q: asyncio.Queue):
    q.put(1)
```

## Use instead
```python
import asyncio

async def produce(q: asyncio.Queue):
    await q.put(1)  # or q.put_nowait(1)
```

A coroutine kept in a name that is later awaited, returned, yielded or handed to
`asyncio.wait_for`, `create_task`, `gather` and the like does run: no finding.

## Fix safety
Safe: `--fix` adds the `await`, inside an `async def` only (elsewhere `await` is a
syntax error: make the function a coroutine, or use the `_nowait` method). No fix is
offered for a call a `with` enters: `async with await q.get() as item:` would run the
coroutine, but the item is not a context manager either (QL302); write `item = await
q.get()` and process it in `try`/`finally`.
"""

from __future__ import annotations

import os
from typing import Iterator, Optional

import libcst as cst

from qlint.analysis.facts import ModuleFacts
from qlint.fixes.model import SAFE, Fix
from qlint.prefilter import Evidence
from qlint.project.view import ProjectView
from qlint.registry import awaited_modules
from qlint.rules.base import Finding

CODE = "QL303"
NAME = "asyncio-queue-not-awaited"
# The README's rule table: when the rule fires, in one line.
FIRES_WHEN = (
    "`q.get()`/`q.put(x)`/`q.join()` of an `asyncio.Queue` without `await` (also `async with "
    "q.get()`): the coroutine never runs"
)
MESSAGE = (
    "asyncio.Queue method not awaited: it only makes a coroutine, which never runs; "
    "add await (or use put_nowait()/get_nowait())"
)

_ENTERED = (
    "asyncio.Queue.{method}() entered by a with, never awaited: the coroutine never runs and the "
    "with raises TypeError; await it instead (item = await q.get()), without the with"
)


FIXABLE = True


def check(facts: ModuleFacts) -> Iterator[Finding]:
    record, queues = facts.record, facts.queues
    kept: dict[int, set[str]] = {}  # per function: the names whose coroutines run later
    # `async with q.get() as item:`: the coroutine is entered, never awaited (QL302 says
    # the item is no context manager either); adding await would not make it work: no fix.
    entered = {id(item.item) for _, node, _ in record.with_exits for item in node.items}
    for group in queues.groups.values():
        for method in ("get", "put", "join"):
            for site in group.methods.get(method, ()):
                call = site.node
                if id(call) in record.awaited or (id(call) not in record.bare_calls and id(call) not in entered):
                    continue
                rows = queues.rows_reaching(site.scope, site.receiver)
                if not rows or not all(row.awaited for row in rows):
                    continue
                if id(call) in entered:
                    yield Finding(call, message=_ENTERED.format(method=method))
                    continue
                targets = {a.target.value for a in record.assignments if a.value is call and isinstance(a.target, cst.Name)}
                if targets:
                    function = site.scope.node
                    if id(function) not in kept:
                        kept[id(function)] = _run_later(function)
                    if targets & kept[id(function)]:
                        continue
                elsewhere = queues.made_elsewhere(site.scope, site.receiver)
                if elsewhere is not None:  # the kind is known from another file: --fix judges files alone
                    yield _made_elsewhere(call, elsewhere, queues.project)
                    continue
                awaitable = site.scope.kind == "function" and site.scope.is_async
                yield Finding(call, fix=Fix(SAFE, "Add await", ((call, cst.Await(expression=call)),))
                              if awaitable else None)


def _made_elsewhere(call: cst.Call, where: tuple[str, int], project: Optional[ProjectView]) -> Finding:
    shown, line = where
    root = project.root if project is not None else ""
    return Finding(
        call,
        message=(
            f"asyncio.Queue method not awaited (the queue is made in {shown}:{line}): it only makes a "
            "coroutine, which never runs; add await (or use put_nowait()/get_nowait())"
        ),
        related=((os.path.join(root, shown), line, 1, "the asyncio.Queue is made here"),),
    )


# What takes a coroutine and runs it: `pending = q.get()` handed to one of these is correct.
_COROUTINE_TAKERS = frozenset({
    "wait_for", "create_task", "ensure_future", "gather", "shield", "wait", "as_completed",
    "run_coroutine_threadsafe", "run_until_complete", "run", "start_soon",
})


def _run_later(function: cst.CSTNode) -> set[str]:
    """Names the function awaits, returns, yields, or hands to something that runs
    coroutines: `pending = q.get()` kept in one of them does run."""
    found: set[str] = set()
    stack = [function]
    while stack:
        node = stack.pop()
        if isinstance(node, (cst.Await, cst.Return, cst.Yield)):
            value = node.expression if isinstance(node, cst.Await) else node.value
            if isinstance(value, cst.Name):
                found.add(value.value)
        elif isinstance(node, cst.Call):
            func = node.func
            taker = func.attr.value if isinstance(func, cst.Attribute) else func.value if isinstance(func, cst.Name) else ""
            if taker in _COROUTINE_TAKERS:
                found.update(arg.value.value for arg in node.args if isinstance(arg.value, cst.Name))
        stack.extend(node.children)
    return found


def gate(text: str) -> bool:
    """A class whose calls must be awaited, named with its module (`asyncio`, `janus`)."""
    return "Queue" in text and any(module in text for module in _AWAITED_MODULES)


_AWAITED_MODULES = awaited_modules()


def possible(e: Evidence) -> bool:
    """Could the rule fire here? On CPython's tree, before LibCST parses the file:
    an unawaited get/put/join of a queue of known kind, and a class to await (with its module) named."""
    return (
        e.some(e.summary.bare_calls, e.kinded)
        and bool(e.tokens & e.words.awaited_roots)
        and bool(e.tokens & e.words.awaited)
    )
