"""Which parameters a module-level function acknowledges: `def finish(q): q.task_done()`.

A consumer loop in another module that calls `finish(q)` after each item acknowledges
it through the helper, as a loop does through a helper of its own module
(analysis/consumers.py): QL101 then sees an acknowledging loop, QL102 a path back to the
next `get()` that skips the helper. Read from CPython's tree, for each parameter that
the function calls `task_done()` on directly (the name not rebound in it):

- `always`: every way the function ends normally (falling off its end, or a `return`)
  has called it; an exception is not an end, as in analysis/paths.py.
- `sometimes`: some path calls it, not every one (inside a loop, a branch, a handler).

A `try` whose `finally` acknowledges on every path acknowledges whatever its body does;
a loop's body may run no time at all. Calls the function makes to other functions are
not followed, and a lambda or nested def inside it runs later: neither counts. qlint
never imports the code: all of this is read.
"""

from __future__ import annotations

import ast
from typing import Iterable, Optional

from qlint.project.scopes import descendants

# Parameter indices: (acknowledged on every path, acknowledged on some paths only).
Acknowledged = tuple[tuple[int, ...], tuple[int, ...]]

_NESTED = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)


def acknowledged_parameters(
    node: ast.FunctionDef | ast.AsyncFunctionDef, own: Optional[list[ast.AST]] = None
) -> Acknowledged:
    """The positional parameters `node` calls `task_done()` on, always and only sometimes.
    `own`: the nodes of its scope (scopes.py), when the caller has them."""
    params = [a.arg for a in [*node.args.posonlyargs, *node.args.args]]
    own = descendants(node.body) if own is None else own
    rebound = {n.id for n in own if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)}
    acked = {
        child.func.value.id for child in own
        if isinstance(child, ast.Call) and isinstance(child.func, ast.Attribute) and child.func.attr == "task_done"
        and isinstance(child.func.value, ast.Name)
    }
    always: list[int] = []
    sometimes: list[int] = []
    for index, name in enumerate(params):
        if name not in acked or name in rebound:
            continue
        ends = _Ends(name)
        falls_through = ends.block(node.body, False)
        done = ends.returns_done and (falls_through is None or falls_through)
        (always if done else sometimes).append(index)
    return tuple(always), tuple(sometimes)


class _Ends:
    """Walks a body, knowing at each point whether every path so far acknowledged `name`."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.returns_done = True  # every `return` met so far comes after an acknowledgement

    def block(self, statements: list[ast.stmt], done: bool) -> bool | None:
        """Whether every path that runs off the end of `statements` acknowledged; None when
        none does (each returns, raises, breaks or continues)."""
        state: bool | None = done
        for statement in statements:
            if state is None:
                return None
            state = self.statement(statement, state)
        return state

    def statement(self, node: ast.stmt, done: bool) -> bool | None:
        if isinstance(node, (ast.If, ast.While, ast.For, ast.AsyncFor, ast.With, ast.AsyncWith)):
            done = done or self._acks(_headers(node))
        if isinstance(node, ast.If):
            return _both(self.block(node.body, done), self.block(node.orelse, done))
        if isinstance(node, (ast.While, ast.For, ast.AsyncFor)):
            self.block(node.body, done)  # its returns count; it may run no time, or stop at a break
            after = self.block(node.orelse, done)
            return done if after is None else after and done
        if isinstance(node, (ast.With, ast.AsyncWith)):
            return self.block(node.body, done)
        if isinstance(node, ast.Try) or type(node).__name__ == "TryStar":  # `except*`: Python 3.11
            return self._try(node, done)  # type: ignore[arg-type]
        if isinstance(node, ast.Match):
            ends = [self.block(case.body, done) for case in node.cases]
            return _all([*ends, done])  # no case may match
        if isinstance(node, _NESTED):
            return done
        done = done or self._acks([node])
        if isinstance(node, ast.Return):
            self.returns_done &= done
            return None
        if isinstance(node, (ast.Raise, ast.Break, ast.Continue)):
            return None
        return done

    def _try(self, node: ast.Try, done: bool) -> bool | None:
        """`node` is a `try`, or a `try` with `except*` (the same fields)."""
        finally_done = self._finally_acks(node.finalbody)
        if finally_done:
            saved = self.returns_done
            self.block(node.body, done)
            for handler in node.handlers:
                self.block(handler.body, done)
            self.block(node.orelse, done)
            self.returns_done = saved  # every return runs the finally first
            return True
        body = self.block(node.body, done)
        after_body = self.block(node.orelse, body) if body is not None else None
        # A handler starts wherever the body raised: before any of its acknowledgements.
        handlers = [self.block(handler.body, done) for handler in node.handlers]
        end = _all([after_body, *handlers])
        return self.block(node.finalbody, end) if end is not None else None

    def _finally_acks(self, statements: list[ast.stmt]) -> bool:
        if not statements:
            return False
        saved = self.returns_done
        end = self.block(statements, False)
        acks = end is True and self.returns_done
        self.returns_done = saved
        return acks

    def _acks(self, nodes: Iterable[ast.AST]) -> bool:
        return any(
            isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "task_done"
            and isinstance(n.func.value, ast.Name) and n.func.value.id == self.name
            for n in descendants(nodes)
        )


def _headers(node: ast.stmt) -> list[ast.AST]:
    """The expressions a compound statement evaluates before its body: `if f(q):`, `with x:`."""
    if isinstance(node, (ast.If, ast.While)):
        return [node.test]
    if isinstance(node, (ast.For, ast.AsyncFor)):
        return [node.iter]
    if isinstance(node, (ast.With, ast.AsyncWith)):
        return [item.context_expr for item in node.items]
    return []


def _both(left: bool | None, right: bool | None) -> bool | None:
    return _all([left, right])


def _all(ends: list[bool | None]) -> bool | None:
    """Every path that runs on acknowledged; None when none runs on."""
    reached = [end for end in ends if end is not None]
    return all(reached) if reached else None
