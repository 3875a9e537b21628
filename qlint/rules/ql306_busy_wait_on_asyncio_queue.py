"""QL306 busy-wait-on-asyncio-queue

## What it does
Finds a `while` loop in a coroutine (`async def`) that calls `get_nowait()` on an
`asyncio.Queue`, catches `asyncio.QueueEmpty` (or everything: `except Exception:`, a
bare `except:`) and goes round again without awaiting anything on the way. It points at
the `continue` of the handler, or at the `get_nowait()` when the handler falls through
to the end of the loop body.

## Why is this bad?
A coroutine gives the other tasks a turn only where it awaits. This loop never does: the
task that would put the next item never runs again, so the queue stays empty and the
loop spins at 100 % CPU for ever, with the whole event loop frozen (timeouts, I/O and
cancellation included).

qlint reports only a loop that surely spins: nothing on the way from the top of the
loop to the `get_nowait()` and from the handler back to the top holds an `await`,
`async for` or `async with` (even in a branch not taken), the loop test awaits nothing,
calls nothing and reads no name the loop assigns, and no `break`, `return` or `raise`
sits on that way (a deadline check may end the loop; qlint does not judge when).

## Example
```python
import asyncio

from jobs import handle


async def consume(q: asyncio.Queue):
    while True:
        try:
            item = q.get_nowait()
        except asyncio.QueueEmpty:
            continue
        handle(item)
```

## Use instead
```python
import asyncio

from jobs import handle


async def consume(q: asyncio.Queue):
    while True:
        item = await q.get()  # or: await asyncio.sleep(0.1) before the continue
        handle(item)
```

## Fix safety
No autofix: waiting with `await q.get()` and polling with `await asyncio.sleep(...)`
change when the loop notices other things (a stop flag, a deadline); the choice is yours.
"""

from __future__ import annotations

from typing import Iterator, Optional, Sequence

import libcst as cst

from qlint.analysis.await_paths import Flow, awaits, awaits_outside, flow
from qlint.analysis.facts import ModuleFacts
from qlint.analysis.model import MethodCallSite, Scope
from qlint.analysis.names import attribute_path
from qlint.fixes.blocks import chain_to
from qlint.prefilter import Evidence
from qlint.registry import awaited_modules
from qlint.rules.base import Finding

CODE = "QL306"
NAME = "busy-wait-on-asyncio-queue"
# The README's rule table: when the rule fires, in one line.
FIRES_WHEN = (
    "a coroutine's loop polls an `asyncio.Queue` with `get_nowait()` and, on `QueueEmpty`, goes"
    " round again without awaiting: the producer never runs, the loop spins for ever"
)
MESSAGE = (
    "this loop polls an asyncio.Queue with get_nowait() and goes round again without awaiting: the "
    "producer task never runs, and the loop spins for ever; await q.get(), or await asyncio.sleep() "
    "before trying again"
)
_CATCHES_QUEUE_EMPTY = frozenset(
    {"", "Exception", "BaseException", "builtins.Exception", "builtins.BaseException",
     "asyncio.QueueEmpty", "asyncio.queues.QueueEmpty"}
)
_BLOCKS = (cst.IndentedBlock, cst.SimpleStatementSuite, cst.SimpleStatementLine)
_WRAPPERS = (cst.Else, cst.Finally, cst.ExceptHandler, cst.MatchCase)


def check(facts: ModuleFacts) -> Iterator[Finding]:
    by_loop: dict[int, list[MethodCallSite]] = {}
    for site in facts.record.calls:
        if site.loops and site.scope.is_async and isinstance(site, MethodCallSite) and site.method == "get_nowait":
            by_loop.setdefault(id(site.loops[-1]), []).append(site)
    if not by_loop:
        return
    for loop, scope, _ in facts.record.loops:
        sites = by_loop.get(id(loop))
        if not sites or not isinstance(loop, cst.While) or not _endless_test(loop):
            continue
        for site in sites:
            group = facts.queues.group_of_call.get(id(site.node))
            if group is None or not group.is_queue:
                continue
            rows = facts.queues.rows_reaching(scope, site.receiver)
            if not rows or not all(row.awaited for row in rows):
                continue
            yield from _spins(facts, scope, loop, site.node)


def _endless_test(loop: cst.While) -> bool:
    """The test awaits and calls nothing, and reads no name or attribute the loop assigns."""
    test = loop.test
    if awaits(test) or _has(test, cst.Call):
        return False
    read = {attribute_path(n) for n in _nodes(test) if isinstance(n, (cst.Name, cst.Attribute))}
    for node in _nodes(loop.body):
        targets: list[cst.BaseExpression] = []
        if isinstance(node, cst.Assign):
            targets = [t.target for t in node.targets]
        elif isinstance(node, (cst.AugAssign, cst.AnnAssign, cst.NamedExpr, cst.For, cst.CompFor)):
            targets = [node.target]
        for target in targets:
            if any(attribute_path(n) in read for n in _nodes(target) if isinstance(n, (cst.Name, cst.Attribute))):
                return False
    return True


def _spins(facts: ModuleFacts, scope: Scope, loop: cst.While, call: cst.Call) -> Iterator[Finding]:
    chain = chain_to(loop.body, call)
    if chain is None:
        return
    tries: list[cst.Try] = []
    for node, child in zip(chain, chain[1:]):
        if isinstance(node, (cst.FunctionDef, cst.ClassDef, cst.Lambda, cst.For, cst.While)):
            return
        if isinstance(node, (cst.Try, cst.TryStar)) and node.finalbody is not None and awaits(node.finalbody):
            return  # every way round runs that finally
        if isinstance(node, _BLOCKS):
            before = _statements(node)[: _index(node, child)]
            prefix = flow(before)
            if not prefix.falls_through or prefix.exits:
                return
        elif isinstance(node, cst.Try):
            if child is node.body:
                tries.append(node)
            elif awaits(node.body) or not flow(node.body.body).falls_through:
                return  # reaching a handler or the else
        elif isinstance(node, cst.BaseCompoundStatement):
            if isinstance(node, cst.With) and node.asynchronous is not None:
                return
            if isinstance(child, (cst.BaseSuite, cst.If, *_WRAPPERS)):
                if any(awaits(part) for part in _header(node)):
                    return  # the header ran before the block that holds the call
            elif awaits_outside(child, chain):
                return  # the header holds the call
        elif isinstance(node, cst.BaseSmallStatement) and awaits_outside(node, chain):
            return
    handler = _catcher(facts, scope, tries)
    if handler is None:
        return
    caught = flow(handler[1].body.body)
    if caught.exits:
        return
    for node in caught.continues:
        yield Finding(node)
    if caught.falls_through and _back_to_top(chain, handler[0]):
        yield Finding(call)


def _catcher(facts: ModuleFacts, scope: Scope, tries: list[cst.Try]) -> Optional[tuple[cst.Try, cst.ExceptHandler]]:
    """The try (innermost first) whose handler catches the QueueEmpty, and that handler."""
    for node in reversed(tries):
        for handler in node.handlers:
            names = facts.queues.caught(scope, handler)
            if any(name is None for name in names):
                return None  # a handler qlint cannot read: it may catch it
            if any(name in _CATCHES_QUEUE_EMPTY for name in names):
                return node, handler
    return None


def _back_to_top(chain: Sequence[cst.CSTNode], caught_by: cst.Try) -> bool:
    """From the end of the catching try, back to the top of the loop without awaiting or leaving."""
    start = chain.index(caught_by)
    for node, child in reversed(list(zip(chain[:start], chain[1 : start + 1]))):
        if isinstance(node, _BLOCKS):
            step = flow(_statements(node)[_index(node, child) + 1 :])
        elif isinstance(node, cst.Try) and child is node.body:
            step = flow(node.orelse.body.body) if node.orelse is not None else Flow()
        else:
            continue
        if step.exits:
            return False
        if not step.falls_through:
            return bool(step.continues)
    return True


def _header(node: cst.BaseCompoundStatement) -> list[cst.CSTNode]:
    if isinstance(node, cst.If):
        return [node.test]
    if isinstance(node, cst.With):
        return list(node.items)
    if isinstance(node, cst.Match):
        return [node.subject]
    return []


def _statements(node: cst.CSTNode) -> Sequence[cst.CSTNode]:
    body = node.body  # type: ignore[attr-defined]  # any node with a body: libcst declares it on each kind
    return body if isinstance(body, (list, tuple)) else [body]


def _index(node: cst.CSTNode, child: cst.CSTNode) -> int:
    return next(i for i, s in enumerate(_statements(node)) if s is child)


def _nodes(root: cst.CSTNode) -> Iterator[cst.CSTNode]:
    stack = [root]
    while stack:
        node = stack.pop()
        yield node
        if node is root or not isinstance(node, (cst.FunctionDef, cst.ClassDef, cst.Lambda)):
            stack.extend(node.children)


def _has(root: cst.CSTNode, kind: type) -> bool:
    return any(isinstance(n, kind) for n in _nodes(root))


def gate(text: str) -> bool:
    """`get_nowait` in a coroutine, on a class whose calls must be awaited (`asyncio`, `janus`)."""
    return "get_nowait" in text and "async" in text and any(module in text for module in _AWAITED_MODULES)


_AWAITED_MODULES = awaited_modules()


def possible(e: Evidence) -> bool:
    """Could the rule fire here? On CPython's tree, before LibCST parses the file:
    get_nowait() of a queue of known kind, and a class to await (with its module) named."""
    return (
        e.some(e.summary.calls["get_nowait"], e.kinded)
        and bool(e.tokens & e.words.awaited_roots)
        and bool(e.tokens & e.words.awaited)
    )
