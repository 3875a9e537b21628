"""What one module tells the rest of the project about queues: plain data, from CPython's tree.

A summary records, with names as the module spells them (resolved later by the index):

- `joins`: each `join()` without arguments on an attribute or an imported name, with
  the receiver's class when the module makes it known (`client: VonageClient`, or
  `client = VonageClient(...)` in the same function): `client._audio_queue.join()` is
  (`VonageClient`, `_audio_queue`); with no known class the owner is "" and the
  attribute name alone matches. `workers.jobs.join()` and `from workers import jobs;
  jobs.join()` name a module global (owner `workers`).
- `passes`: a queue joined here (a local, a global, a `self.x`) handed to a function of
  another module: a call `consume(q)`, `Thread(target=consume, args=(q,))`,
  `Process(...)`, `executor.submit(consume, q)`, a class `Worker(q)`.
- `forwards`: a parameter handed on, `def run(q): consume(q)`: the join that reaches
  `run`'s `q` reaches `consume`'s.
- `defines`: the module's functions, classes and methods, so that the index can tell
  a name defined here from an import.

Only `.join()` calls count as waits here; the hand-written waits of analysis/waits.py
stay within their module. qlint never imports the code: all of this is read.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from typing import Any, Optional, Sequence, Union

from qlint.project.scopes import ScopeNodes, scope_nodes
from qlint.project.stored import as_int, as_str

FunctionNode = Union[ast.FunctionDef, ast.AsyncFunctionDef]
# Callables that run their first argument with the rest (and the keyword `args=` tuple).
_TARGET_TAKERS = frozenset({"Thread", "Process", "Timer"})
_SUBMITTERS = frozenset({"submit", "to_thread", "start_new_thread", "apply_async", "run_in_executor"})


@dataclass
class ModuleSummary:
    """See the module docstring. Locations are (line, col), 1-based."""

    imports: dict[str, str] = field(default_factory=dict)  # local name -> dotted ("." prefixes for relative)
    defines: list[str] = field(default_factory=list)  # qualified names of functions and classes
    joins: list[tuple[str, str, int, int]] = field(default_factory=list)  # (owner ref, attribute, line, col)
    passes: list[tuple[str, int, int, int]] = field(default_factory=list)  # (callee ref, arg index, join line, col)
    forwards: list[tuple[str, int, str, int]] = field(default_factory=list)  # (function, param, callee ref, arg)
    # Only the defs whose text says `join` were read (joins and passes are complete, forwards
    # are not): the index reads the whole module when a joined queue reaches it.
    partial: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "imports": self.imports, "defines": self.defines, "joins": [list(j) for j in self.joins],
            "passes": [list(p) for p in self.passes], "forwards": [list(f) for f in self.forwards],
            "partial": self.partial,
        }

    @classmethod
    def from_json(cls, data: Any) -> ModuleSummary:
        """The summary back; TypeError or ValueError when `data` is not one we wrote."""
        if not isinstance(data, dict):
            raise TypeError("not a summary")
        imports = {as_str(k): as_str(v) for k, v in data["imports"].items()}
        return cls(
            imports,
            [as_str(name) for name in data["defines"]],
            [(as_str(a), as_str(b), as_int(c), as_int(d)) for a, b, c, d in data["joins"]],
            [(as_str(a), as_int(b), as_int(c), as_int(d)) for a, b, c, d in data["passes"]],
            [(as_str(a), as_int(b), as_str(c), as_int(d)) for a, b, c, d in data["forwards"]],
            data["partial"] is True,
        )


def dotted(node: ast.expr) -> Optional[str]:
    """`a.b.c` for a chain of names and attributes, else None."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))


def _annotation_class(annotation: Optional[ast.expr]) -> Optional[str]:
    """`VonageClient` from `VonageClient`, `"VonageClient"`, `Optional[X]`, `X | None`."""
    if annotation is None:
        return None
    if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
        try:
            annotation = ast.parse(annotation.value, mode="eval").body
        except SyntaxError:
            return None
    if isinstance(annotation, ast.BinOp) and isinstance(annotation.op, ast.BitOr):
        sides = [s for s in (annotation.left, annotation.right) if not (isinstance(s, ast.Constant) and s.value is None)]
        return _annotation_class(sides[0]) if len(sides) == 1 else None
    if isinstance(annotation, ast.Subscript) and dotted(annotation.value) in ("Optional", "typing.Optional"):
        return _annotation_class(annotation.slice)
    return dotted(annotation)


class _Scope:
    """A function (or the module, or a class body) as the summary sees it."""

    def __init__(
        self, qualname: str, node: Optional[ast.AST], owner_class: Optional[str], enclosing: Optional[_Scope] = None,
        own: Sequence[ast.AST] = (),
    ) -> None:
        self.qualname = qualname
        self.enclosing = enclosing  # the function this one is nested in
        self.params: list[str] = []
        self.bound: set[str] = set()
        self.classes: dict[str, str] = {}  # local name -> class ref it is known to hold
        self.owner_class = owner_class  # qualname of the class of a method
        self.self_name: Optional[str] = None
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            args = node.args
            every = [*args.posonlyargs, *args.args, *args.kwonlyargs]
            self.params = [a.arg for a in [*args.posonlyargs, *args.args]]
            for extra in (args.vararg, args.kwarg):
                if extra is not None:
                    self.bound.add(extra.arg)
            for arg in every:
                self.bound.add(arg.arg)
                known = _annotation_class(arg.annotation)
                if known is not None:
                    self.classes[arg.arg] = known
            decorated = {dotted(d) for d in node.decorator_list}
            if owner_class is not None and self.params and not decorated & {"staticmethod", "classmethod"}:
                self.self_name = self.params[0]
            for child in own:
                if isinstance(child, ast.Name) and isinstance(child.ctx, ast.Store):
                    self.bound.add(child.id)
                elif isinstance(child, (ast.Global, ast.Nonlocal)):
                    self.bound -= set(child.names)
                elif isinstance(child, ast.Assign) and isinstance(child.value, ast.Call):
                    made = dotted(child.value.func)
                    for target in child.targets:
                        if isinstance(target, ast.Name) and made is not None and made.rsplit(".", 1)[-1][:1].isupper():
                            self.classes[target.id] = made


    def class_of(self, name: str) -> str:
        """The class `name` is known to hold here, or in the function this one is nested in."""
        current: Optional[_Scope] = self
        while current is not None:
            if name in current.classes:
                return current.classes[name]
            if name in current.bound:
                return ""
            current = current.enclosing
        return ""


_DOT_JOIN = re.compile(r"\.(?:\s|\\|#[^\r\n]*(?![^\r\n]))*join\b")


def join_receivers(text: str) -> set[str]:
    """The last name before each `.join` (what a function that hands the queue on would
    mention); a comment between them gives up: "" (every function is read)."""
    found = set()
    for match in _DOT_JOIN.finditer(text):
        end = match.start()
        while end > 0 and text[end - 1] in " \t\r\n\f\\":
            end -= 1
        start = end
        while start > 0 and (text[start - 1].isalnum() or text[start - 1] == "_"):
            start -= 1
        if "#" in text[text.rfind("\n", 0, start) + 1 : start]:
            return {""}
        if start < end:
            found.add(text[start:end])
    return found


class _Summarizer:
    def __init__(self) -> None:
        self.summary = ModuleSummary()
        self.joined: dict[tuple[str, str], tuple[int, int]] = {}  # queue key -> first join
        self.calls: list[tuple[_Scope, ast.Call]] = []
        self.receivers: list[tuple[_Scope, ast.expr, tuple[int, int]]] = []
        self.own: ScopeNodes = {}
        self.lines: list[str] = []
        self.words: Optional[re.Pattern[str]] = None  # a function whose text has none is not read

    def run(self, tree: ast.Module, text: Optional[str], scopes: Optional[ScopeNodes]) -> ModuleSummary:
        self.own = scope_nodes(tree) if scopes is None else scopes
        if text is not None:
            # A function matters if it joins, or names what is joined (it may hand it on).
            joined = join_receivers(text)
            if "" not in joined:
                self.words = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(w) for w in sorted(joined | {"join"})) + r")(?!\w)")
                self.lines = text.splitlines()
        self.summary.partial = text is not None
        module = _Scope("", None, None)
        for child in self.own[id(tree)]:
            if isinstance(child, ast.Name) and isinstance(child.ctx, ast.Store):
                module.bound.add(child.id)
        self._body(tree, module, "")
        # After the walk: a function may use a name imported below it, or in another function.
        for scope, receiver, where in self.receivers:
            self._receiver_join(scope, receiver, where)
        self._passes()
        summary = self.summary
        summary.joins.sort()
        summary.passes = sorted(set(summary.passes))
        summary.forwards = sorted(set(summary.forwards))
        return summary

    def _body(self, node: ast.AST, scope: _Scope, prefix: str) -> None:
        for child in self.own[id(node)]:
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                qualname = f"{prefix}{child.name}"
                self.summary.defines.append(qualname)
                own = self.own.get(id(child)) if self._read(child) else None
                if own is None:  # a function that does not say `join`, in a partial summary
                    continue
                if isinstance(child, ast.ClassDef):
                    self._body(child, _Scope(qualname, child, None, own=own), qualname + ".")
                else:
                    owner = scope.qualname if isinstance(node, ast.ClassDef) else None
                    enclosing = scope if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) else None
                    self._body(child, _Scope(qualname, child, owner, enclosing, own), qualname + ".<locals>.")
            elif isinstance(child, ast.Call):
                self._call(scope, child)
            elif isinstance(child, (ast.Import, ast.ImportFrom)):
                self._import(child)

    def _read(self, node: ast.AST) -> bool:
        """Whether a partial summary reads the def or class `node`: a class always, a
        function if its text says `join` or a name that is joined."""
        if self.words is None or not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return True
        end = node.end_lineno or node.lineno
        return self.words.search("\n".join(self.lines[node.lineno - 1 : end])) is not None

    def _import(self, node: Union[ast.Import, ast.ImportFrom]) -> None:
        imports = self.summary.imports
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    imports[alias.asname] = alias.name
                else:
                    first = alias.name.split(".")[0]
                    imports.setdefault(first, first)
            return
        base = "." * node.level + (node.module or "")
        for alias in node.names:
            if alias.name != "*":
                joiner = "" if base.endswith(".") or not base else "."
                imports[alias.asname or alias.name] = f"{base}{joiner}{alias.name}"

    def _key(self, scope: _Scope, expr: ast.expr) -> Optional[tuple[str, str]]:
        """Who holds a queue: ("local:<function>", name), ("global", name), ("self:<class>", attr)."""
        if isinstance(expr, ast.Name):
            local = scope.qualname and expr.id in scope.bound
            return (f"local:{scope.qualname}", expr.id) if local else ("global", expr.id)
        if (
            isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name)
            and scope.self_name is not None and expr.value.id == scope.self_name and scope.owner_class
        ):
            return (f"self:{scope.owner_class}", expr.attr)
        return None

    def _call(self, scope: _Scope, call: ast.Call) -> None:
        func = call.func
        if isinstance(func, ast.Attribute) and func.attr == "join" and not call.args and not call.keywords:
            where = (call.lineno, call.col_offset + 1)
            key = self._key(scope, func.value)
            if key is not None:
                self.joined.setdefault(key, where)
            self.receivers.append((scope, func.value, where))
        if call.args or call.keywords:
            self.calls.append((scope, call))

    def _receiver_join(self, scope: _Scope, receiver: ast.expr, where: tuple[int, int]) -> None:
        """A join on something another module may own: `client.q`, `workers.jobs`, an imported `jobs`."""
        if isinstance(receiver, ast.Name):
            if receiver.id not in scope.bound and receiver.id in self.summary.imports:
                self.summary.joins.append(("=" + self.summary.imports[receiver.id], "", *where))
            return
        if not isinstance(receiver, ast.Attribute):
            return
        holder = receiver.value
        if isinstance(holder, ast.Name) and holder.id == scope.self_name:
            owner = scope.owner_class or ""
            self.summary.joins.append(("." + owner, receiver.attr, *where))  # own class: "." + qualname here
            return
        owner = ""
        if isinstance(holder, ast.Name):
            owner = scope.class_of(holder.id)
            if not owner and holder.id not in scope.bound and holder.id in self.summary.imports:
                owner = holder.id  # `workers.jobs`: an imported module (or class)
        self.summary.joins.append((owner, receiver.attr, *where))

    def _passes(self) -> None:
        """Calls that hand a joined queue, or a parameter, to another function."""
        for scope, call in self.calls:
            for callee, index, value in _handed(call):
                ref = self._callee_ref(scope, callee)
                if ref is None:
                    continue
                key = self._key(scope, value)
                if key is not None and key in self.joined:
                    self.summary.passes.append((ref, index, *self.joined[key]))
                if isinstance(value, ast.Name) and value.id in scope.params:
                    self.summary.forwards.append((scope.qualname, scope.params.index(value.id), ref, index))

    def _callee_ref(self, scope: _Scope, callee: ast.expr) -> Optional[str]:
        name = dotted(callee)
        if name is None:
            return None
        root, _, rest = name.partition(".")
        if root == scope.self_name and scope.owner_class and rest and "." not in rest:
            return "." + scope.owner_class + "." + rest  # a method of this class
        return name


def _handed(call: ast.Call) -> list[tuple[ast.expr, int, ast.expr]]:
    """(callee, argument index, argument) of what a call hands on to a function."""
    func = call.func
    name = dotted(func) or ""
    last = name.rsplit(".", 1)[-1]
    if last in _TARGET_TAKERS:
        target = next((k.value for k in call.keywords if k.arg == "target"), None)
        args = next((k.value for k in call.keywords if k.arg == "args"), None)
        if target is None or not isinstance(args, (ast.Tuple, ast.List)):
            return []
        return [(target, i, a) for i, a in enumerate(args.elts) if not isinstance(a, ast.Starred)]
    if last in _SUBMITTERS and call.args:
        skip = 1 if last == "run_in_executor" else 0
        if len(call.args) <= skip:
            return []
        target, rest = call.args[skip], call.args[skip + 1:]
        return [(target, i, a) for i, a in enumerate(rest) if not isinstance(a, ast.Starred)]
    handed = []
    for i, arg in enumerate(call.args):
        if isinstance(arg, ast.Starred):
            break
        handed.append((func, i, arg))
    return handed


def summarize(tree: ast.Module, text: Optional[str] = None, scopes: Optional[ScopeNodes] = None) -> ModuleSummary:
    """The summary of a module's tree (see the module docstring); with its `text`, a partial
    one (ModuleSummary.partial), which reads only the functions that say `join`. `scopes`:
    the tree's scope_nodes, when the caller has them."""
    return _Summarizer().run(tree, text, scopes)
