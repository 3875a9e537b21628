"""Which class attributes of a module hold a queue, and of which class: `self.inbox =
asyncio.Queue()` in a method of `Client` is (`Client`, `inbox`) built by `asyncio.Queue`.

Another module that holds a `Client` (`client = Client()`, `client: Client`) then knows
that `client.inbox` is an asyncio queue (QL303: its put() must be awaited) or a queue
without join() (QL202). The constructor is kept as a dotted name, its imports resolved
(`from asyncio import Queue` makes `Queue()` `asyncio.Queue`); the module that asks
decides with its own settings which registry class it is. Read from CPython's tree, for
the methods of module-level classes. qlint never imports the code.
"""

from __future__ import annotations

import ast
import re
from typing import Optional

from qlint.project.bytescan import GAP
from qlint.project.scopes import ScopeNodes, scope_nodes, within

# `Client.inbox` -> (line where it is built, dotted constructor)
QueueAttribute = tuple[int, str]


def attributes_gate(source: bytes) -> bool:
    """Cheap and sound: a queue attribute is built as `self.<attr> = ...Queue(...)`. The
    callee's last name ends in `Queue` as written, before its `(` (past the `)` of a
    parenthesized callee), or it is a name imported `as` another (`Queue as Q`)."""
    return b"Queue" in source and b"self" in source and _QUEUE_CALLEE.search(source) is not None


_QUEUE_CALLEE = re.compile(rb"Queue(?:" + GAP + rb"\))*" + GAP + rb"\(|Queue\s+as\b")


def queue_attributes(tree: ast.Module, scopes: Optional[ScopeNodes] = None) -> dict[str, QueueAttribute]:
    """`Class.attr` -> where and by what it is built (its first line), for each attribute a
    method of a module-level class sets to a call whose callee's last name ends in `Queue`.
    An attribute also set to anything else is left out: its class is not known. `scopes`:
    the tree's scope_nodes, when the caller has them."""
    scopes = scope_nodes(tree) if scopes is None else scopes
    imports = _imports(tree)
    built: dict[str, set[str]] = {}  # `Class.attr` -> what each assignment builds ("": not a queue class)
    first: dict[str, int] = {}
    for node in tree.body:
        if not isinstance(node, ast.ClassDef):
            continue
        for method in node.body:
            if not isinstance(method, (ast.FunctionDef, ast.AsyncFunctionDef)) or not method.args.args:
                continue
            self_name = method.args.args[0].arg
            for child in within(scopes, method):
                target, value = _assigned(child)
                if not (isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name)
                        and target.value.id == self_name):
                    continue
                key = f"{node.name}.{target.attr}"
                made = _dotted(value.func, imports) if isinstance(value, ast.Call) else None
                queue = made is not None and made.rsplit(".", 1)[-1].endswith("Queue")
                built.setdefault(key, set()).add(made if made is not None and queue else "")
                first[key] = min(first.get(key, target.lineno), target.lineno)
    return {key: (first[key], made) for key, (made, *rest) in ((k, sorted(v)) for k, v in built.items())
            if made and not rest}


def _assigned(node: ast.AST) -> tuple[Optional[ast.expr], Optional[ast.expr]]:
    if isinstance(node, ast.Assign) and len(node.targets) == 1:
        return node.targets[0], node.value
    if isinstance(node, ast.AnnAssign):
        return node.target, node.value
    return None, None


def _imports(tree: ast.Module) -> dict[str, str]:
    """Module-level imports: local name -> dotted name (relative ones are left out)."""
    found: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    found[alias.asname] = alias.name
                else:
                    first = alias.name.split(".")[0]
                    found[first] = first
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            for alias in node.names:
                found[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return found


def _dotted(node: ast.expr, imports: dict[str, str]) -> Optional[str]:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name) or node.id not in imports:
        return None
    return ".".join([imports[node.id], *reversed(parts)])
