"""Which calls can raise in practice: one list, in one place, for every path rule.

The path walk asks it where an exception may start, so it decides QL104's findings and
also which paths go through an exception handler, which QL102 reports too (with these
lists emptied, the corpus and fixtures gain QL102 findings as well as QL104 ones).

A `task_done()` skipped by an exception matters only if something between the `get()`
and it can raise in practice. The calls below do not: logging reports its own errors,
sleeping and setting an event do not fail, appending to a list does not. A quiet call
is still a raising point when one of its arguments can raise (`out.append(json.loads(raw))`
raises in `json.loads`, `out.append(item * 2)` in the `*`). `print` is not quiet: it raises
`BrokenPipeError` when its output is piped into `head`, and `UnicodeEncodeError` on a
narrow console.
"""

from __future__ import annotations

from typing import Callable, Optional

import libcst as cst

from qlint.analysis.names import attribute_path

# Functions, by dotted name as written, that do not raise in practice.
QUIET_FUNCTIONS = frozenset(
    {"len", "isinstance", "issubclass", "id", "callable", "time.sleep", "sleep", "asyncio.sleep",
     "time.time", "time.monotonic", "time.perf_counter", "suppress", "contextlib.suppress",
     "nullcontext", "contextlib.nullcontext"}
)
# Methods that do not raise in practice, on whatever receiver: list and deque growth,
# event and lock handling.
QUIET_METHODS = frozenset(
    {"append", "appendleft", "extend", "add", "set", "clear", "is_set", "acquire", "release", "locked"}
)
# Methods of a logger (a receiver whose name mentions `log`): logging reports its own errors.
LOGGING_METHODS = frozenset({"debug", "info", "warning", "warn", "error", "exception", "critical", "log"})
# Methods of a queue that cannot raise when the queue was created unbounded in view; a
# plain blocking `put(item)` on any queue waits for room instead of raising.
UNBOUNDED_PUTS = frozenset({"put", "put_nowait"})
# Methods of the queue protocol's own acknowledgement.
ACKNOWLEDGING_METHODS = frozenset({"task_done"})


def is_logging_call(call: cst.Call) -> bool:
    """`log.info(...)`, `self.logger.warning(...)`, `logging.exception(...)`."""
    path = attribute_path(call.func)
    if path is None:
        return False
    parts = path.split(".")
    return len(parts) >= 2 and parts[-1] in LOGGING_METHODS and "log" in parts[-2].lower()


def quiet_call(
    call: cst.Call, unbounded_put: Callable[[cst.Call], bool], queue_put: Callable[[cst.Call], bool]
) -> bool:
    """True if `call` itself does not raise in practice and its arguments are plain values.

    `unbounded_put` says whether a `put()` call goes to a queue created unbounded in view,
    `queue_put` whether it goes to a queue at all.
    Calls nested in the arguments are judged on their own: they are raising points of the
    same statement.
    """
    if not all(_plain(arg.value) for arg in call.args):
        return False
    path = attribute_path(call.func)
    if path is not None and path in QUIET_FUNCTIONS:
        return True
    if not isinstance(call.func, cst.Attribute):
        return False
    method = call.func.attr.value
    if method in QUIET_METHODS or method in ACKNOWLEDGING_METHODS:
        return True
    if is_logging_call(call):
        return True
    if method == "put" and _blocking_put(call) and queue_put(call):
        return True  # a put that blocks while the queue is full: it waits, it does not raise
    return method in UNBOUNDED_PUTS and unbounded_put(call)


def _blocking_put(call: cst.Call) -> bool:
    """`q.put(item)`: no `block=False` and no timeout."""
    return len(call.args) == 1 and call.args[0].keyword is None and not call.args[0].star


_PLAIN_LEAVES = (
    cst.Name, cst.SimpleString, cst.Integer, cst.Float, cst.Imaginary, cst.Ellipsis,
)


def _plain(expr: Optional[cst.BaseExpression]) -> bool:
    """A value whose evaluation cannot raise in practice: names, attributes, literals, a
    formatted string of those, a container display of those, a call, `await` or `yield`
    (each judged on its own),
    a comparison or `not`."""
    if expr is None or isinstance(expr, _PLAIN_LEAVES):
        return True
    if isinstance(expr, (cst.Call, cst.Await, cst.Yield)):
        return True  # a raising point of its own, recorded by the walk
    if isinstance(expr, cst.Attribute):
        return _plain(expr.value)
    if isinstance(expr, cst.ConcatenatedString):
        return _plain(expr.left) and _plain(expr.right)
    if isinstance(expr, cst.FormattedString):
        return all(
            _plain(part.expression) for part in expr.parts if isinstance(part, cst.FormattedStringExpression)
        )
    if isinstance(expr, (cst.Tuple, cst.List, cst.Set)):
        return all(_plain(element.value) for element in expr.elements)
    if isinstance(expr, cst.Comparison):
        return _plain(expr.left) and all(_plain(target.comparator) for target in expr.comparisons)
    if isinstance(expr, cst.UnaryOperation) and isinstance(expr.operator, cst.Not):
        return _plain(expr.expression)
    if isinstance(expr, cst.BooleanOperation):
        return _plain(expr.left) and _plain(expr.right)
    return False


def cannot_raise(function: cst.FunctionDef) -> bool:
    """A function whose whole body sits in `try: ... except Exception:` (or BaseException,
    or a bare `except:`) and whose handlers do not re-raise (a docstring and `global`
    declarations may come first)."""
    body = list(function.body.body) if isinstance(function.body, cst.IndentedBlock) else []
    body = [statement for statement in body if not _declares(statement)]
    if len(body) != 1 or not isinstance(body[0], cst.Try):
        return False
    statement = body[0]
    if statement.finalbody is not None or statement.orelse is not None:
        return False
    broad = False
    for handler in statement.handlers:
        if _contains_raise(handler):
            return False
        caught = handler.type
        if caught is None or attribute_path(caught) in ("Exception", "BaseException"):
            broad = True
    return broad


def _declares(statement: cst.CSTNode) -> bool:
    """A docstring, `global`, `nonlocal` or `pass`: nothing that runs and raises."""
    if not isinstance(statement, cst.SimpleStatementLine):
        return False
    return all(
        isinstance(small, (cst.Global, cst.Nonlocal, cst.Pass))
        or (isinstance(small, cst.Expr) and isinstance(small.value, (cst.SimpleString, cst.ConcatenatedString)))
        for small in statement.body
    )


def _contains_raise(node: cst.CSTNode) -> bool:
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, cst.Raise):
            return True
        if isinstance(current, (cst.FunctionDef, cst.ClassDef, cst.Lambda)):
            continue
        stack.extend(current.children)
    return False
