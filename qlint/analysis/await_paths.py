"""Paths through a coroutine's loop that do or do not give the event loop a turn.

A coroutine lets other tasks run only where it awaits (`await`, `async for`, `async
with`). These helpers answer, for the statements of one loop body, whether some path
runs through them without any of those, which `continue` statements such a path
reaches, and whether it can leave (`break`, `return`, `raise`). They are deliberately
blunt: a statement that holds an await anywhere (even in a branch the path does not
take) ends the path, so the rules that ask report only a path on which nothing can
await, whatever the values.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Optional, Sequence

import libcst as cst

_SCOPES = (cst.FunctionDef, cst.ClassDef, cst.Lambda)


def awaits(node: cst.CSTNode) -> bool:
    """An `await`, `async for`, `async with` or async comprehension under `node`, not
    counting nested functions, lambdas and classes (they run elsewhere, or later)."""
    return awaits_outside(node, ())


def awaits_outside(node: cst.CSTNode, chain: Sequence[cst.CSTNode]) -> bool:
    """An await under `node` other than those that enclose the end of `chain` (an
    `await f(q.get_nowait())` awaits only after the call has returned)."""
    on_chain = {id(n) for n in chain}
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, cst.Await) and id(current) not in on_chain:
            return True
        if isinstance(current, (cst.For, cst.With, cst.CompFor)) and current.asynchronous is not None:
            return True
        if current is not node and isinstance(current, _SCOPES):
            continue
        stack.extend(current.children)
    return False


@dataclass
class Flow:
    """Where await-free paths through some statements go."""

    continues: list[cst.Continue] = field(default_factory=list)  # of the loop being walked
    falls_through: bool = True  # some await-free path reaches the end of the statements
    exits: bool = False  # some await-free path meets a break, return or raise


def flow(statements: Iterable[cst.CSTNode]) -> Flow:
    """Follow await-free paths through `statements` (the body of the loop being walked,
    or a block in it): the `continue`s of that loop they reach, and whether they fall
    through. A path ends at a statement that holds an await, and at a break, return or
    raise (which `exits` records)."""
    result = Flow()
    for statement in statements:
        step = _STOPS if awaits(statement) else _statement(statement)
        result.continues.extend(step.continues)
        result.exits |= step.exits
        if not step.falls_through:
            result.falls_through = False
            return result
    return result


def _block(suite: Optional[cst.CSTNode]) -> Flow:
    if suite is None:
        return Flow()
    if isinstance(suite, cst.If):  # an `elif`
        return _statement(suite)
    if isinstance(suite, (cst.Else, cst.Finally, cst.ExceptHandler, cst.MatchCase)):
        suite = suite.body
    body = suite.body  # type: ignore[attr-defined]  # a suite or statement: libcst declares `body` on each kind
    return flow(body if isinstance(body, (list, tuple)) else [body])


def _either(*flows: Flow) -> Flow:
    return Flow(
        [c for f in flows for c in f.continues], any(f.falls_through for f in flows), any(f.exits for f in flows)
    )


_STOPS = Flow(falls_through=False)
_EXITS = Flow(falls_through=False, exits=True)


def _statement(statement: cst.CSTNode) -> Flow:
    if isinstance(statement, cst.SimpleStatementLine):
        return flow(statement.body)
    if isinstance(statement, cst.Continue):
        return Flow([statement], False)
    if isinstance(statement, (cst.Break, cst.Return, cst.Raise)):
        return _EXITS
    if isinstance(statement, cst.BaseSmallStatement):
        return _STOPS if awaits(statement) else Flow()
    if isinstance(statement, (cst.FunctionDef, cst.ClassDef)):  # (a lambda is no statement)
        return _STOPS if any(awaits(d) for d in statement.decorators) else Flow()
    if isinstance(statement, cst.If):
        if awaits(statement.test):
            return _STOPS
        return _either(_block(statement.body), _block(statement.orelse))
    if isinstance(statement, (cst.While, cst.For)):
        # Its own `continue`s and `break`s are not ours; it may end (or never start) without
        # awaiting (it holds no await: `flow` looked). A return or raise in it leaves ours.
        return Flow(exits=_returns_or_raises(statement))
    if isinstance(statement, cst.With):
        if statement.asynchronous is not None or any(awaits(item) for item in statement.items):
            return _STOPS
        return _block(statement.body)
    if isinstance(statement, cst.Try):
        if statement.finalbody is not None and awaits(statement.finalbody):
            return _STOPS  # every path out of the try runs the awaiting finally
        body = _block(statement.body)
        # A handler after an awaiting body may have awaited first: count it only when the body cannot.
        handlers = [] if awaits(statement.body) else [_block(h) for h in statement.handlers]
        after_body = _block(statement.orelse) if body.falls_through else _STOPS
        final = _block(statement.finalbody)  # await-free: its continues are ours too
        joined = _either(Flow(body.continues, False, body.exits), after_body, *handlers)
        return Flow(
            joined.continues + final.continues, joined.falls_through and final.falls_through, joined.exits or final.exits
        )
    if isinstance(statement, cst.Match):
        if awaits(statement.subject):
            return _STOPS
        cases = [_block(case) for case in statement.cases if case.guard is None or not awaits(case.guard)]
        return _either(Flow(), *cases)
    return _STOPS if awaits(statement) else Flow()  # anything else: awaits if it holds an await


def _returns_or_raises(node: cst.CSTNode) -> bool:
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, (cst.Return, cst.Raise)):
            return True
        if current is not node and isinstance(current, _SCOPES):
            continue
        stack.extend(current.children)
    return False
