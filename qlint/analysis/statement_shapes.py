"""Shapes of statements and expressions that the path walk reads: None tests, batch
containers, loops over a container, gets wrapped in a time limit."""

from __future__ import annotations

from typing import Callable, Iterable, Optional

import libcst as cst

from qlint.analysis.model import StatementSummary
from qlint.analysis.names import attribute_path
from qlint.analysis.raising import is_logging_call


def filled_containers(summary: StatementSummary) -> set[str]:
    """`batch` of `batch.append(...)` calls in the statement."""
    found = set()
    for call in summary.calls:
        func = call.func
        if isinstance(func, cst.Attribute) and func.attr.value in ("append", "appendleft", "add", "extend", "insert"):
            path = attribute_path(func.value)
            if path:
                found.add(path)
    return found


def iterates(loop: cst.CSTNode, container: str) -> bool:
    """`for _ in batch:` or `for _ in range(len(batch)):`."""
    if not isinstance(loop, cst.For):
        return False
    over = loop.iter
    if isinstance(over, cst.Call) and attribute_path(over.func) == "range" and len(over.args) == 1:
        inner = over.args[0].value
        if isinstance(inner, cst.Call) and attribute_path(inner.func) == "len" and len(inner.args) == 1:
            over = inner.args[0].value
    return attribute_path(over) == container


def none_test(test: cst.BaseExpression) -> Optional[tuple[str, bool]]:
    """(name, whether the test is true when it is None) for `x is None`, `x is not None`,
    `x == None`, `x != None`, `x` and `not x`; else None."""
    negated = False
    while isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
        negated, test = not negated, test.expression
    if isinstance(test, cst.Name):
        return test.value, not negated
    if (
        isinstance(test, cst.Comparison)
        and isinstance(test.left, cst.Name)
        and len(test.comparisons) == 1
        and isinstance(test.comparisons[0].comparator, cst.Name)
        and test.comparisons[0].comparator.value == "None"
    ):
        operator = test.comparisons[0].operator
        if isinstance(operator, (cst.Is, cst.Equal)):
            return test.left.value, not negated
        if isinstance(operator, (cst.IsNot, cst.NotEqual)):
            return test.left.value, negated
    return None


# Calls that wait for a get with a time limit: if they raise, the get took nothing.
_GET_WRAPPERS = frozenset({"wait_for", "asyncio.wait_for", "shield", "asyncio.shield"})


def get_wrappers(summary: StatementSummary, gets: set[int]) -> set[int]:
    """`asyncio.wait_for(q.get(), t)` among the statement's calls: part of the get."""
    found = set()
    for call in summary.calls:
        if attribute_path(call.func) in _GET_WRAPPERS and call.args and id(call.args[0].value) in gets:
            found.add(id(call))
    return found


# Calls that hand an item on rather than process it: collecting it, forwarding it.
_COLLECTING_METHODS = frozenset({"append", "appendleft", "add", "put", "put_nowait"})


def names_in(target: cst.BaseExpression) -> list[cst.Name]:
    if isinstance(target, cst.Name):
        return [target]
    if isinstance(target, (cst.Tuple, cst.List)):
        return [n for e in target.elements for n in names_in(e.value)]
    if isinstance(target, cst.StarredElement):
        return names_in(target.value)
    return []


def called_values(values: Iterable[cst.BaseExpression]) -> list[int]:
    """id() of the calls among `values`, also when awaited or yielded."""
    found = []
    for value in values:
        while True:
            if isinstance(value, cst.Await):
                value = value.expression
            elif isinstance(value, cst.Yield) and isinstance(value.value, cst.BaseExpression):
                value = value.value
            else:
                break
        if isinstance(value, cst.Call):
            found.append(id(value))
    return found


def handler_names(handler_type: Optional[cst.BaseExpression]) -> list[str]:
    """Dotted names an `except` clause catches; "" for a bare `except:`."""
    if handler_type is None:
        return [""]
    if isinstance(handler_type, cst.Tuple):
        return [p for p in (attribute_path(e.value) for e in handler_type.elements) if p]
    path = attribute_path(handler_type)
    return [path] if path else []


def hands_on(expr: cst.BaseExpression, is_local: Callable[[str], bool]) -> bool:
    """`print(...)`, a logging call, `local_list.append(item)`: not processing of an item.

    Collecting into a function's own list hands the item on; appending to `self.x` or a
    module-level list publishes a result that whoever joined the queue may read.
    """
    if not isinstance(expr, cst.Call):
        return False
    path = attribute_path(expr.func)
    if path is None:
        return False
    if path == "print":
        return True
    parts = path.split(".")
    if len(parts) < 2:
        return False
    if is_logging_call(expr):
        return True
    return (
        len(parts) == 2
        and is_local(parts[0])
        and parts[-1] in _COLLECTING_METHODS
        and all(attribute_path(arg.value) is not None for arg in expr.args)
    )


def suppressed_exceptions(node: cst.With) -> Optional[cst.BaseExpression]:
    """What a `with contextlib.suppress(...)` catches (a tuple for several), if this is one."""
    for item in node.items:
        call = item.item
        if isinstance(call, cst.Call) and attribute_path(call.func) in ("suppress", "contextlib.suppress"):
            caught = [arg.value for arg in call.args if arg.keyword is None and not arg.star]
            if caught:
                return caught[0] if len(caught) == 1 else cst.Tuple([cst.Element(c) for c in caught])
    return None
