"""Statement-level building blocks the fixes share: where a node sits, and try/finally."""

from __future__ import annotations

import dataclasses
from typing import Optional, Sequence

import libcst as cst

_SCOPES = (cst.FunctionDef, cst.ClassDef, cst.Lambda)

_FIELDS: dict[type, tuple[str, ...]] = {}


def children(node: cst.CSTNode) -> list[cst.CSTNode]:
    """The node's children (in field order), read from its fields: LibCST's `children`
    runs a visitor that rebuilds the node, about 10x slower, and fixes ask for every
    node under a loop. A field value's kind is looked up by its class: `isinstance`
    against LibCST's abstract node class is slow when it fails."""
    names = _FIELDS.get(type(node))
    if names is None:
        names = _FIELDS[type(node)] = tuple(f.name for f in dataclasses.fields(node))
    found: list[cst.CSTNode] = []
    for name in names:
        value = getattr(node, name)
        kind = _KINDS.get(type(value))
        if kind is None:
            kind = _KINDS[type(value)] = _NODE if isinstance(value, cst.CSTNode) else (
                _SEQUENCE if isinstance(value, (list, tuple)) else _OTHER
            )
        if kind is _NODE:
            found.append(value)
        elif kind is _SEQUENCE:
            found.extend(item for item in value if _KINDS.get(type(item)) is _NODE or isinstance(item, cst.CSTNode))
    return found


_NODE, _SEQUENCE, _OTHER = "node", "sequence", "other"
_KINDS: dict[type, str] = {}


def chain_to(
    root: cst.CSTNode, target: cst.CSTNode, *, into_expressions: bool = True
) -> Optional[list[cst.CSTNode]]:
    """The nodes from `root` down to `target`, both included; None if `target` is not under
    `root` (or, without `into_expressions`, is only inside an expression other than itself)."""
    stack: list[tuple[cst.CSTNode, int]] = [(root, 0)]
    path: list[cst.CSTNode] = []
    while stack:
        node, depth = stack.pop()
        del path[depth:]
        path.append(node)
        if node is target:
            return path
        if not into_expressions:
            kind = type(node)
            expression = _EXPRESSIONS.get(kind)
            if expression is None:
                expression = _EXPRESSIONS[kind] = issubclass(kind, cst.BaseExpression)
            if expression:
                continue
        stack.extend((child, depth + 1) for child in reversed(children(node)))
    return None


def chain_to_call_statement(root: cst.CSTNode, call: cst.CSTNode) -> Optional[list[cst.CSTNode]]:
    """`chain_to(root, call)` when `call` is an expression statement of its own (`q.task_done()`
    on its line); None otherwise. Such a call is never inside another expression, so the
    walk does not enter them: most of a loop's nodes are."""
    path = chain_to(root, call, into_expressions=False)
    return path if path is not None and len(path) >= 3 and lone_call_statement(path[-3], call) else None


_EXPRESSIONS: dict[type, bool] = {}


def contains(root: cst.CSTNode, targets: Sequence[cst.CSTNode]) -> bool:
    wanted = {id(t) for t in targets}
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in wanted:
            return True
        stack.extend(children(node))
    return False


def lone_call_statement(statement: cst.CSTNode, call: cst.CSTNode) -> bool:
    """`statement` is a line holding just `call` as an expression (no `;` neighbours)."""
    return (
        isinstance(statement, cst.SimpleStatementLine)
        and len(statement.body) == 1
        and isinstance(statement.body[0], cst.Expr)
        and statement.body[0].value is call
    )


def leaves_or_acknowledges(statements: Sequence[cst.CSTNode]) -> bool:
    """Whether the statements `continue`/`break` out of the consumer loop, `return`, or call
    `task_done()`: wrapping them in try/finally would then acknowledge on a new path."""
    stack: list[tuple[cst.CSTNode, bool]] = [(s, False) for s in statements]
    while stack:
        node, in_inner_loop = stack.pop()
        kind = type(node)  # each kind asked is a final class: `is` beats a failing `isinstance` of LibCST
        if kind in _SCOPES:
            continue
        if kind is cst.Return:
            return True
        if (kind is cst.Continue or kind is cst.Break) and not in_inner_loop:
            return True
        if type(node) is cst.Attribute and node.attr.value == "task_done":
            return True
        if type(node) is cst.For or type(node) is cst.While:
            # inside, continue/break are the inner loop's; its `else` is not inside
            stack.append((node.body, True))
            if node.orelse is not None:
                stack.append((node.orelse, in_inner_loop))
            continue
        stack.extend((child, in_inner_loop) for child in children(node))
    return False


def try_finally(
    body: Sequence[cst.BaseStatement],
    final: cst.BaseStatement,
    *,
    leading_lines: Sequence[cst.EmptyLine] = (),
    footer: Sequence[cst.EmptyLine] = (),
) -> cst.Try:
    """`try:` body `finally:` final, indented as the module indents; `footer` holds the
    comments that ended the block the body came from. Blank lines above `final` move up,
    above `finally:`, where they still set the two parts apart."""
    blank, rest = split_blank_lead(final)
    return cst.Try(
        body=cst.IndentedBlock(body=list(body), footer=list(footer)),
        finalbody=cst.Finally(body=cst.IndentedBlock(body=[rest]), leading_lines=blank),
        leading_lines=list(leading_lines),
    )


def leading_lines(statement: cst.BaseStatement) -> Sequence[cst.EmptyLine]:
    """The lines above a statement (libcst declares them on each kind of statement, not on their base)."""
    if isinstance(statement, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
        return statement.leading_lines
    raise TypeError(f"not a statement: {type(statement).__name__}")


def split_blank_lead(statement: cst.BaseStatement) -> tuple[list[cst.EmptyLine], cst.BaseStatement]:
    """The blank lines at the top of the statement's leading lines, and the statement without them."""
    lines = list(leading_lines(statement))
    count = 0
    while count < len(lines) and lines[count].comment is None:
        count += 1
    return lines[:count], statement.with_changes(leading_lines=lines[count:])


def without_blank_lead(statement: cst.BaseStatement) -> cst.BaseStatement:
    """The statement without the blank lines above it (comments above it stay)."""
    return split_blank_lead(statement)[1]


def moved_to_front(statements: Sequence[cst.BaseStatement]) -> tuple[list[cst.EmptyLine], list[cst.BaseStatement]]:
    """Split the lines above the first statement off, for a new `try:` to take them."""
    if not statements:
        return [], []
    first = statements[0]
    return list(leading_lines(first)), [first.with_changes(leading_lines=[]), *statements[1:]]


def cannot_raise(expression: cst.BaseExpression) -> bool:
    """Names, constants and identity/equality tests between them: no call, no lookup that can fail."""
    if isinstance(expression, (cst.Name, cst.Integer, cst.SimpleString)):
        return True
    if isinstance(expression, cst.UnaryOperation) and isinstance(expression.operator, cst.Not):
        return cannot_raise(expression.expression)
    if isinstance(expression, cst.BooleanOperation):
        return cannot_raise(expression.left) and cannot_raise(expression.right)
    if isinstance(expression, cst.Comparison):
        allowed = (cst.Is, cst.IsNot, cst.Equal, cst.NotEqual)
        return cannot_raise(expression.left) and all(
            isinstance(t.operator, allowed) and cannot_raise(t.comparator) for t in expression.comparisons
        )
    return False


def is_guard(statement: cst.BaseStatement) -> bool:
    """`if item is None: ...; break` — a test that cannot raise, and a branch that never falls through."""
    if not isinstance(statement, cst.If) or statement.orelse is not None or not cannot_raise(statement.test):
        return False
    body = statement.body.body
    if not body:
        return False
    last = body[-1]
    if isinstance(last, cst.SimpleStatementLine):
        last = last.body[-1]
    return isinstance(last, (cst.Break, cst.Continue, cst.Return, cst.Raise))
