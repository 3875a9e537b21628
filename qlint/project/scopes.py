"""The nodes of each scope of a module's CPython tree, from one walk shared by every
reader of the index: the summary (summary.py), the thread targets (targets.py), the
acknowledging helpers (acknowledgers.py) and the queue attributes (attributes.py).

Each reader looks at the statements and expressions of one function at a time, not at
those of the functions nested in it. Each used to walk the tree on its own through
`ast.iter_child_nodes`, whose generic field iteration was most of their cost.

A nested def, class or lambda is a node of the scope around it, and so are its
decorators, defaults, annotations and bases: Python evaluates them there. Its body is
its own scope. The context and operator singletons (`Load`, `Add`), what is below a name
or a constant, and the fields that hold identifiers, not code, are not walked: no reader
looks at them as nodes. Within a scope, nodes come in the order of a depth-first walk
that takes the last child first (readers that keep the first of something keep the same
one on every run).
"""

from __future__ import annotations

import ast
from typing import Iterable, Optional

from qlint.code_fields import CODE_FIELDS, code_fields

# The id of the module, or of a def, class or lambda -> the nodes of its own scope.
ScopeNodes = dict[int, list[ast.AST]]

_SCOPE_KINDS = frozenset({ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef})
# Values that are never walked into: singletons, absent children, identifiers.
_LEAVES = frozenset(
    {ast.Load, ast.Store, ast.Del, type(None), str, bytes, bool, int, float, complex, type(...)}
    | {kind for base in (ast.operator, ast.boolop, ast.cmpop, ast.unaryop) for kind in base.__subclasses__()}
)


def scope_nodes(tree: ast.Module) -> ScopeNodes:
    """Each scope's own nodes (see the module docstring), from one walk of `tree`."""
    module: list[ast.AST] = []
    found: ScopeNodes = {id(tree): module}
    stack: list[tuple[ast.AST, list[ast.AST]]] = [(statement, module) for statement in tree.body]
    pop, push = stack.pop, stack.append
    while stack:
        node, own = pop()
        own.append(node)
        kind = node.__class__
        fields = CODE_FIELDS.get(kind)
        if fields is None:
            fields = code_fields(kind)
        inner = None
        if kind in _SCOPE_KINDS:
            inner = found[id(node)] = []
        for name in fields:
            value = getattr(node, name)
            into = inner if inner is not None and name == "body" else own
            if value.__class__ is list:
                for child in value:
                    if child.__class__ not in _LEAVES:
                        push((child, into))
            elif value.__class__ not in _LEAVES:
                push((value, into))
    return found


def descendants(nodes: Iterable[ast.AST]) -> list[ast.AST]:
    """`nodes` and every node below them, not entering the body of a nested def, class or
    lambda (for a part of a scope: a loop's body, one statement)."""
    found: list[ast.AST] = []
    stack = list(nodes)
    pop, push = stack.pop, stack.append
    while stack:
        node = pop()
        found.append(node)
        kind = node.__class__
        fields = CODE_FIELDS.get(kind)
        if fields is None:
            fields = code_fields(kind)
        scope = kind in _SCOPE_KINDS
        for name in fields:
            if scope and name == "body":
                continue
            value = getattr(node, name)
            if value.__class__ is list:
                for child in value:
                    if child.__class__ not in _LEAVES:
                        push(child)
            elif value.__class__ not in _LEAVES:
                push(value)
    return found


def within(scopes: ScopeNodes, node: ast.AST) -> list[ast.AST]:
    """Every node of the scope `node` (a def, class or lambda) and of the scopes nested in it."""
    found: list[ast.AST] = []
    pending: list[Optional[list[ast.AST]]] = [scopes.get(id(node))]
    while pending:
        own = pending.pop()
        if own is None:
            continue
        found.extend(own)
        pending.extend(scopes.get(id(child)) for child in own if child.__class__ in _SCOPE_KINDS)
    return found
