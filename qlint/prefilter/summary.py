"""One walk of CPython's tree that keeps what any rule's evidence could come from.

Names are linked by every flow the analysis follows (union-find over last names), and
the calls, loops, handlers and `with` items the rules look at are recorded by receiver.
`qlint.prefilter` judges the summary.
"""

from __future__ import annotations

import ast
import re
import sys
from typing import Any, Callable, Iterable, Optional, Union

from qlint.code_fields import CODE_FIELDS, code_fields
from qlint.registry import QUEUE_METHODS, SUBMITTERS

_WORD = re.compile(r"[^\W\d]\w*")
Context = tuple[bool, bool, bool, Optional[str]]  # in a loop, in a `while True`, in a try body; class
_ScopeNode = Union[ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef]
if sys.version_info >= (3, 11):
    _TryNode = Union[ast.Try, ast.TryStar]
else:
    _TryNode = ast.Try


class Summary:
    """What one walk of a module saw that any rule's evidence could come from."""

    def __init__(self, tree: ast.Module) -> None:
        self.tokens: set[str] = set()  # attributes and their roots, import parts, annotation words
        self.aliases: dict[str, set[str]] = {}  # `from queue import Queue as Q`: Q -> {Queue}
        self.parent: dict[str, str] = {}  # union-find over names
        self.builds: dict[str, set[str]] = {}  # name -> class names it may be built from or annotated with
        self.calls: dict[str, set[str]] = {m: set() for m in QUEUE_METHODS}  # method -> receivers' names
        self.loop_gets: list[tuple[str, bool, bool]] = []  # (receiver, blocking, in a `while True` or flag loop)
        self.try_gets: set[str] = set()  # get/get_nowait in the body of a try with a typed handler
        self.try_blocking_gets: set[str] = set()
        self.try_calls: set[str] = set()  # get/put/get_nowait/put_nowait there
        self.with_gets: set[str] = set()  # `with q.get():`
        self.bare_calls: set[str] = set()  # get/put/join as a statement, an assigned value or a with item
        self.joins_with_args: set[str] = set()
        self.joins_without_args: set[str] = set()
        self.untimed_join = False  # `x.join()` / `x.join(None)` on anything
        # `except <path>.<attr>:` (also in a tuple): (the path's last name, attr, whether the path is one name)
        self.caught_attributes: set[tuple[str, str, bool]] = set()
        self.defs: dict[str, list[str]] = {}  # function name -> parameters of every def so named
        self.classes: dict[str, list[tuple[list[str], list[str]]]] = {}  # name -> [(bases, __init__ params)]
        self._flows: list[tuple[ast.Call, list[ast.expr]]] = []  # resolved after the walk: defs come later
        self._stack: list[tuple[ast.AST, Context]] = [(tree, (False, False, False, None))]
        self._walk()
        for call, values in self._flows:
            self._flow_into(self._callees(call), values)

    def find(self, name: str) -> str:
        parent = self.parent.setdefault(name, name)
        while parent != name:
            self.parent[name] = name = self.parent[parent]
            parent = self.parent[name]
        return name

    def link(self, names: list[str]) -> None:
        roots = [self.find(n) for n in names]
        for root in roots[1:]:
            self.parent[root] = roots[0]

    # -- flows, as queues.QueueFacts follows them --------------------------------------

    def _assign(self, target: ast.expr, value: Optional[ast.expr], annotation: Optional[ast.expr] = None) -> None:
        """`_flow`: a call gives the target the class it may build, a name links to it."""
        name = _last(target)
        if name is None:
            return
        built = self.builds.setdefault(name, set())
        if annotation is not None:  # any word of it may be the class, string annotations too
            words = {w for n in ast.walk(annotation) for w in _words(n)}
            built |= words
            self.tokens |= words
        value = value.value if isinstance(value, ast.Await) else value
        if isinstance(value, ast.Call):
            built.add(_class_part(value.func))
        elif value is not None and (source := _last(value)) is not None:
            self.link([name, source])
        self.find(name)

    def _flow_into(self, params: set[str], values: list[ast.expr]) -> None:
        """Arguments reach parameters: every name linked, every built class recorded."""
        if params:
            self.link([*params, *(n for v in values if (n := _last(v)) is not None)])
            built = {_class_part(v.func) for v in values if isinstance(v, ast.Call)}
            for param in params:
                self.builds.setdefault(param, set()).update(built)

    def _callees(self, call: ast.Call) -> set[str]:
        """Parameters of every same-module function the call may hand its arguments to."""
        func = call.func
        found = self._params_of(func)
        for keyword in call.keywords:
            if keyword.arg == "target":
                found |= self._params_of(keyword.value)
        if _class_part(func) in SUBMITTERS and not isinstance(func, ast.Call):
            for arg in [a for a in call.args if not isinstance(a, ast.Starred)][:2]:
                found |= self._params_of(arg)
        return found

    def _params_of(self, expr: ast.expr) -> set[str]:
        """`scopes.resolve_function` by name alone: every def, lambda or `__init__` it may mean."""
        while isinstance(expr, ast.Call) and _last(expr.func) == "partial":
            inner = next((a for a in expr.args if not isinstance(a, ast.Starred)), None)
            if inner is None:
                return set()
            expr = inner
        if isinstance(expr, ast.Lambda):
            return {a.arg for a in _arguments(expr.args)}
        path = _path(expr)
        if path is None or len(path) > 2:
            return set()
        found = set(self.defs.get(path[-1], ()))
        pending, seen = path[:1] if len(path) == 1 else [], set()
        while pending:  # a class: its __init__, or its bases' (by name, all of them)
            name = pending.pop()
            if name not in seen:
                seen.add(name)
                for bases, init in self.classes.get(name, ()):
                    found.update(init)
                    pending.extend(bases)
        return found

    # -- the walk: depth first, with the loop and try context the analysis keeps per scope --

    def _walk(self) -> None:
        stack, visits, tokens = self._stack, _VISITS, self.tokens
        pop, append = stack.pop, stack.append
        while stack:
            node, context = pop()
            kind = node.__class__
            if node.__class__ is ast.Attribute:  # the commonest node with something below: inlined
                tokens.add(node.attr)
                value = node.value
                if value.__class__ is ast.Name:
                    tokens.add(value.id)  # `asyncio` of `asyncio.Queue`, imported or not
                elif value.__class__ not in _LEAVES:
                    append((value, context))
                continue
            visit = visits.get(kind)
            if visit is not None and visit(self, node, context):
                continue  # the visit pushed what it wants walked
            for name in CODE_FIELDS.get(kind) or code_fields(kind):
                value = getattr(node, name)
                if value.__class__ is list:
                    for child in value:
                        if child.__class__ not in _LEAVES:
                            append((child, context))
                elif value.__class__ not in _LEAVES:
                    append((value, context))

    def _children(self, node: ast.AST, context: Context, fields: Optional[Iterable[str]] = None) -> bool:
        for name in code_fields(node.__class__) if fields is None else fields:
            value = getattr(node, name)
            for child in value if isinstance(value, list) else [value]:
                if child is not None and child.__class__ not in _LEAVES:
                    self._stack.append((child, context))
        return True

    def _visit_import(self, node: ast.Import | ast.ImportFrom, context: Context) -> bool:
        if isinstance(node, ast.ImportFrom) and node.module:
            self.tokens.update(node.module.split("."))
        for alias in node.names:
            self.tokens.update(alias.name.split("."))
            if alias.asname:
                self.aliases.setdefault(alias.asname, set()).add(alias.name.rsplit(".", 1)[-1])
        return True

    def _visit_scope(self, node: _ScopeNode, context: Context) -> bool:
        """Loops and handlers do not reach into a def; a lambda's calls count in its statement."""
        cls = context[3]
        if isinstance(node, ast.ClassDef):
            bases = [path[-1] for path in map(_path, node.bases) if path]
            self.classes.setdefault(node.name, []).append((bases, []))
        else:
            params = _arguments(node.args)
            for param in params:
                self._assign(ast.Name(param.arg), None, param.annotation)
            if not isinstance(node, ast.Lambda):
                self.defs.setdefault(node.name, []).extend(p.arg for p in params)
                if node.name == "__init__" and cls is not None:
                    self.classes[cls][-1][1].extend(p.arg for p in params)
        name = node.name if isinstance(node, ast.ClassDef) else None
        return self._children(node, (False, False, context[2] and isinstance(node, ast.Lambda), name))

    def _visit_loop(self, node: ast.For | ast.AsyncFor | ast.While, context: Context) -> bool:
        in_loop, endless, in_try, cls = context
        if isinstance(node, ast.While):
            endless = endless or _maybe_true(node.test)
        else:
            self._iter_loop(node)
        return self._children(node, (True, endless, in_try, cls))

    def _visit_try(self, node: _TryNode, context: Context) -> bool:
        if not any(h.type is not None for h in node.handlers):
            return False
        for handler in node.handlers:
            caught = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
            for expression in caught:
                if isinstance(expression, ast.Attribute):
                    path = _path(expression.value)
                    if path:
                        self.caught_attributes.add((path[-1], expression.attr, len(path) == 1))
        in_loop, endless, _, cls = context
        self._children(node, (in_loop, endless, True, cls), ["body"])
        return self._children(node, context, ["handlers", "orelse", "finalbody"])

    def _visit_statement(self, node: ast.AST, context: Context) -> bool:
        if isinstance(node, ast.Assign):
            for target in node.targets:
                self._assign(target, node.value)
        elif isinstance(node, (ast.AnnAssign, ast.NamedExpr)):
            self._assign(node.target, node.value, getattr(node, "annotation", None))
        elif isinstance(node, ast.withitem):
            if node.optional_vars is not None:
                self._assign(node.optional_vars, node.context_expr)
            item = node.context_expr.value if isinstance(node.context_expr, ast.Await) else node.context_expr
            if isinstance(item, ast.Call) and isinstance(item.func, ast.Attribute) and item.func.attr == "get":
                self._receiver(item.func, self.with_gets)
            if item is node.context_expr and isinstance(item, ast.Call) and isinstance(item.func, ast.Attribute):
                if item.func.attr in ("get", "put", "join"):  # `async with q.get():` is not awaited either
                    self._receiver(item.func, self.bare_calls)
        value = getattr(node, "value", None)
        if not isinstance(node, (ast.NamedExpr, ast.withitem)) and isinstance(value, ast.Call):
            if isinstance(value.func, ast.Attribute) and value.func.attr in ("get", "put", "join"):
                self._receiver(value.func, self.bare_calls)
        return False

    def _visit_call(self, call: ast.Call, context: Context) -> bool:
        in_loop, endless, in_try, _ = context
        args = [*call.args, *(k.value for k in call.keywords)]
        if args:
            values = [a.value if isinstance(a, ast.Await) else a for a in args]
            for value in list(values):
                if isinstance(value, (ast.Tuple, ast.List, ast.Dict)):
                    elements = value.values if isinstance(value, ast.Dict) else value.elts
                    values.extend(e.value if isinstance(e, ast.Await) else e for e in elements)
            self._flows.append((call, values))
        func = call.func
        if func.__class__ is not ast.Attribute or func.attr not in QUEUE_METHODS:
            return False
        method, name = func.attr, self._receiver(func, self.calls[func.attr])
        if method == "join":
            self.untimed_join |= not args or any(isinstance(a, ast.Constant) and a.value is None for a in args)
            if name is not None:
                (self.joins_with_args if args else self.joins_without_args).add(name)
        if name is None:
            return False
        blocking = method == "get" and _blocking_get(call)
        if method in ("get", "get_nowait") and in_loop:
            self.loop_gets.append((name, blocking, endless))
        if method in ("get", "get_nowait") and in_try:
            self.try_gets.add(name)
            if blocking:
                self.try_blocking_gets.add(name)
        if in_try and method in ("get", "put", "get_nowait", "put_nowait"):
            self.try_calls.add(name)
        return False

    def _iter_loop(self, node: ast.For | ast.AsyncFor) -> None:
        """`for item in iter(q.get, SENTINEL)`: a consumer loop without a get call."""
        it = node.iter
        if isinstance(it, ast.Call) and isinstance(it.func, ast.Name) and it.func.id == "iter":
            for arg in [*it.args, *(k.value for k in it.keywords)]:
                if isinstance(arg, ast.Attribute) and arg.attr in ("get", "get_nowait"):
                    name = self._receiver(arg, set())
                    if name is not None:
                        self.loop_gets.append((name, False, False))

    def _receiver(self, attribute: ast.Attribute, into: set[str]) -> Optional[str]:
        name = _last(attribute.value)
        if name is not None:
            self.find(name)
            into.add(name)
        return name


_VISITS: dict[type, Callable[[Summary, Any, Context], bool]] = {
    ast.Call: Summary._visit_call,
    ast.Import: Summary._visit_import,
    ast.ImportFrom: Summary._visit_import,
    **dict.fromkeys((ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef), Summary._visit_scope),
    **dict.fromkeys((ast.For, ast.AsyncFor, ast.While), Summary._visit_loop),
    **dict.fromkeys((ast.Try, getattr(ast, "TryStar", ast.Try)), Summary._visit_try),
    **dict.fromkeys((ast.Assign, ast.AnnAssign, ast.NamedExpr, ast.withitem, ast.Expr), Summary._visit_statement),
}
# Nodes with nothing below them worth a visit: names (their text is in `tokens` where it
# matters), constants, the context and operator singletons, and absent children.
_LEAVES = frozenset(
    {ast.Name, ast.Constant, ast.Load, ast.Store, ast.Del, ast.MatchSingleton, type(None)}
    | {c for base in (ast.operator, ast.boolop, ast.cmpop, ast.unaryop) for c in base.__subclasses__()}
)
def _words(node: ast.AST) -> list[str]:
    """The words of an annotation: names, attributes, and those of a string annotation."""
    if isinstance(node, ast.Name):
        return [node.id]
    if isinstance(node, ast.Attribute):
        return [node.attr]
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return _WORD.findall(node.value)
    return []


def _last(expr: ast.expr) -> Optional[str]:
    """`c` for the access path `a.b.c` (the name an identity goes by), else None."""
    path = _path(expr)
    return path[-1] if path else None


def _path(expr: ast.expr) -> Optional[list[str]]:
    parts: list[str] = []
    while isinstance(expr, ast.Attribute):
        parts.append(expr.attr)
        expr = expr.value
    return [expr.id, *reversed(parts)] if isinstance(expr, ast.Name) else None


def _class_part(func: ast.expr) -> str:
    """The last part of the dotted name a call of `func` builds: `Queue` of `mp.Manager().Queue()`."""
    while isinstance(func, ast.Call):
        func = func.func
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""


def _arguments(args: ast.arguments) -> list[ast.arg]:
    return [*args.posonlyargs, *args.args, *args.kwonlyargs, *(a for a in (args.vararg, args.kwarg) if a)]


def _blocking_get(call: ast.Call) -> bool:
    """`names.blocking_get`: `get()`, `get(True)`, `get(block=True)`, `get(timeout=None)`."""
    names = [("block", "timeout")[min(i, 1)] for i in range(len(call.args))] + [k.arg for k in call.keywords]
    values = [*call.args, *(k.value for k in call.keywords)]
    return all(
        name is not None and isinstance(value, ast.Constant) and value.value is (True if name == "block" else None)
        for name, value in zip(names, values)
    )


def _maybe_true(test: ast.expr) -> bool:
    """A loop `loop_ends` may call endless: `while True:`, `while 1:` (`_always_true`), and
    a flag test (`_flag_test`: a name or attribute, `not` one, or `x.is_set()`)."""
    if isinstance(test, ast.Constant):
        return test.value is True or type(test.value) is int
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        test = test.operand
    if isinstance(test, ast.Call):
        test = test.func
    return isinstance(test, (ast.Name, ast.Attribute))
