"""What a name refers to in a scope: Python's lookup rule, methods, same-module functions.

qlint never imports the code it reads; these answers come from the scopes the walk
recorded. Class bodies are skipped when a function looks a name up, as in Python.
"""

from __future__ import annotations

from typing import Optional

import libcst as cst

from qlint.analysis.model import Scope
from qlint.analysis.names import attribute_path
from qlint.analysis.record import ModuleRecord


def binding_scope(scope: Scope, name: str) -> Scope:
    """The scope that binds `name` when it is read in `scope` (class bodies are skipped)."""
    current: Optional[Scope] = scope
    first = True
    while current is not None:
        if current.kind == "module":
            return current
        if name in current.declared_global:
            break
        if (first or current.kind != "class") and current.binds(name):
            return current
        first = False
        current = current.parent
    while scope.parent is not None:
        scope = scope.parent
    return scope


def method_binding_self(owner: Scope, root: str) -> Optional[Scope]:
    """The method whose `self` parameter `root` is, if it is one."""
    if owner.self_name == root:
        return owner
    return None


def lookup_def(scope: Scope, name: str) -> Optional[Scope]:
    owner = binding_scope(scope, name)
    return owner.functions.get(name) or owner.classes.get(name)


def method_named(cls: Scope, name: str) -> Optional[Scope]:
    seen = 0
    current: Optional[Scope] = cls
    while current is not None and seen < 20:
        if name in current.functions:
            return current.functions[name]
        parent = current.parent
        current = next((parent.classes.get(b) for b in current.bases if parent and parent.classes.get(b)), None)
        seen += 1
    return None


def resolve_function(record: ModuleRecord, scope: Scope, expr: cst.BaseExpression) -> Optional[tuple[Scope, int]]:
    """The same-module function (and how many leading params it binds itself) `expr` names."""
    if isinstance(expr, cst.Lambda):
        return (record.scope_of_node[id(expr)], 0)
    if isinstance(expr, cst.Call) and attribute_path(expr.func) in ("partial", "functools.partial"):
        positional = [a for a in expr.args if a.keyword is None and not a.star]
        if positional:
            inner = resolve_function(record, scope, positional[0].value)
            if inner is not None:
                return (inner[0], inner[1] + len(positional) - 1)
        return None
    path = attribute_path(expr)
    if path is None:
        return None
    parts = path.split(".")
    if len(parts) == 1:
        found = lookup_def(scope, parts[0])
        if found is None:
            return None
        if found.kind == "class":
            init = method_named(found, "__init__")
            return (init, 1) if init is not None else None
        return (found, 0)
    if len(parts) == 2:
        owner = binding_scope(scope, parts[0])
        method_scope = method_binding_self(owner, parts[0]) if owner.kind != "module" else None
        if method_scope is not None:
            cls = method_scope.owner_class
            assert cls is not None
            method = method_named(cls, parts[1])
            if method is not None:
                return (method, 0 if method.is_static else 1)
    return None


def resolve_class(scope: Scope, expr: cst.BaseExpression) -> Optional[Scope]:
    """The same-module class a name refers to, if it is one."""
    if not isinstance(expr, cst.Name):
        return None
    return binding_scope(scope, expr.value).classes.get(expr.value)
