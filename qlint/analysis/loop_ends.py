"""Whether a consumer loop can end: `while True:` around blocking gets with no way out
never does, and `while not stop.is_set():` around them cannot notice its flag once it
blocks in `get()` on an empty queue."""

from __future__ import annotations

from typing import Iterable

import libcst as cst

from qlint.analysis.consumers import ConsumerLoop
from qlint.analysis.names import attribute_path, blocking_get

_EXITS = frozenset({"sys.exit", "exit", "quit", "os._exit"})


def never_ends(loop: ConsumerLoop) -> bool:
    """`while True:` around blocking gets, with no break, return, raise or exit in it."""
    node = loop.node
    if not isinstance(node, cst.While) or not _always_true(node.test):
        return False
    for get in loop.gets:
        if not isinstance(get, cst.Call) or not blocking_get(get):
            return False  # get_nowait() / get(timeout=...) can end the loop with Empty
    return not _leaves(node.body.body, own_loop=True)


def _always_true(test: cst.BaseExpression) -> bool:
    if isinstance(test, cst.Name):
        return test.value == "True"
    return isinstance(test, cst.Integer) and test.value not in ("0", "0x0", "0o0", "0b0")


def _leaves(statements: Iterable[cst.CSTNode], own_loop: bool) -> bool:
    """True if a break (of this loop), return, raise or exit call sits in `statements`."""
    for statement in statements:
        # `if item is None: break` on one line: the suite holds small statements directly.
        smalls = statement.body if isinstance(statement, cst.SimpleStatementLine) else [statement]
        if isinstance(statement, (cst.SimpleStatementLine, cst.BaseSmallStatement)):
            for small in smalls:
                if isinstance(small, (cst.Return, cst.Raise)) or (own_loop and isinstance(small, cst.Break)):
                    return True
                if isinstance(small, cst.Expr) and isinstance(small.value, cst.Call):
                    if attribute_path(small.value.func) in _EXITS:
                        return True
        elif isinstance(statement, (cst.For, cst.While)):
            # A break in a nested loop ends that loop; one in its `else:` ends ours.
            if _leaves(statement.body.body, own_loop=False) or (
                statement.orelse is not None and _leaves(statement.orelse.body.body, own_loop)
            ):
                return True
        elif isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
            continue
        elif isinstance(statement, cst.BaseCompoundStatement):
            if any(_leaves(block, own_loop) for block in _blocks(statement)):
                return True
    return False


def _blocks(statement: cst.BaseCompoundStatement) -> Iterable[Iterable[cst.CSTNode]]:
    """The statement lists directly inside a compound statement."""
    if isinstance(statement, cst.If):
        yield statement.body.body
        if isinstance(statement.orelse, cst.If):
            yield [statement.orelse]
        elif statement.orelse is not None:
            yield statement.orelse.body.body
    elif isinstance(statement, (cst.Try, cst.TryStar)):
        yield statement.body.body
        for handler in statement.handlers:
            yield handler.body.body
        for extra in (statement.orelse, statement.finalbody):
            if extra is not None:
                yield extra.body.body
    elif isinstance(statement, cst.With):
        yield statement.body.body
    elif isinstance(statement, cst.Match):
        for case in statement.cases:
            yield case.body.body


def blind_to_its_flag(loop: ConsumerLoop) -> bool:
    """`while not stop.is_set():` (or `while self.running:`, `while not self._stopped:`)
    around blocking gets, with no break, return, raise or exit: once blocked in `get()` on
    an empty queue, it never looks at its flag again."""
    node = loop.node
    if not isinstance(node, cst.While) or not _flag_test(node.test):
        return False
    if not all(isinstance(get, cst.Call) and blocking_get(get) for get in loop.gets):
        return False
    return not _leaves(node.body.body, own_loop=True)


def _flag_test(test: cst.BaseExpression) -> bool:
    """`flag`, `not flag`, `stop.is_set()`, `not stop.is_set()`, with `flag` a name or attribute."""
    if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
        test = test.expression
    if isinstance(test, cst.Call) and isinstance(test.func, cst.Attribute) and test.func.attr.value == "is_set":
        return not test.args and attribute_path(test.func.value) is not None
    return attribute_path(test) is not None and not _always_true(test)
