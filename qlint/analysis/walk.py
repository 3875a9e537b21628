"""The one walk over a parsed module: it records, it does not judge.

Everything later (which names are queues, which loops consume them, the paths through
those loops) is computed from what this walk records, without walking the tree again.
The scopes it records in (functions, lambdas, classes, their parameters) are kept by
walk_scopes.py, the walker's base.
"""

from __future__ import annotations

from typing import Optional

import libcst as cst

from qlint.analysis.model import (
    Assignment,
    CallSite,
    MethodCallSite,
    Scope,
    StatementSummary,
)
from qlint.analysis.names import attribute_path, import_bindings, import_from_bindings
from qlint.analysis.record import ModuleRecord
from qlint.analysis.statement_shapes import (
    called_values,
    handler_names,
    hands_on,
    names_in,
)
from qlint.analysis.walk_scopes import ScopeWalker
from qlint.registry import WAIT_ATTRIBUTES

# Compound statements whose header expressions get a summary of their own,
# keyed by the compound node: (node type, attribute) pairs.
_HEADERS = {
    (cst.If, "test"),
    (cst.While, "test"),
    (cst.For, "target"),
    (cst.For, "iter"),
    (cst.With, "items"),
    (cst.Match, "subject"),
    (cst.MatchCase, "pattern"),
    (cst.MatchCase, "guard"),
    (cst.ExceptHandler, "type"),
    (cst.ExceptStarHandler, "type"),
}

# Methods that put a value into a container: a batch of items is owed by its container.
_CONTAINER_METHODS = frozenset({"append", "appendleft", "extend", "add", "insert"})

__all__ = ["ModuleRecord", "walk_module"]


class _Walker(ScopeWalker):
    def __init__(self, module: cst.Module) -> None:
        super().__init__(module)
        self._summaries: list[StatementSummary] = []
        self._called: set[int] = set()
        self._displays: dict[int, str] = {}  # id(list display) -> the name it is assigned to
        self._comprehensions = 0  # how many comprehensions the walk is inside
        self.top = 0  # index in module.body of the statement being walked

    # -- names bound ----------------------------------------------------------

    def visit_Import(self, node: cst.Import) -> None:
        self._scope.imported.update(import_bindings(node))

    def visit_ImportFrom(self, node: cst.ImportFrom) -> Optional[bool]:
        self._scope.imported.update(import_from_bindings(node))
        return False

    def visit_Global(self, node: cst.Global) -> None:
        self._scope.declared_global.update(n.name.value for n in node.names)

    def visit_Nonlocal(self, node: cst.Nonlocal) -> None:
        self._scope.declared_nonlocal.update(n.name.value for n in node.names)

    def _bind_target(self, target: cst.BaseExpression) -> None:
        """Record the names a target binds, as stores of the current statement."""
        if isinstance(target, cst.Name):
            self._scope.assigned.add(target.value)
            self._not_loads.add(id(target))
            if self._summaries:
                self._summaries[-1].stores.add(target.value)
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self._bind_target(element.value)
        elif isinstance(target, cst.StarredElement):
            self._bind_target(target.value)

    def visit_Assign(self, node: cst.Assign) -> None:
        if isinstance(node.value, cst.Call):
            self.record.bare_calls.add(id(node.value))
        if isinstance(node.value, (cst.List, cst.Set)) and len(node.targets) == 1:
            self._displays[id(node.value)] = attribute_path(node.targets[0].target) or ""
        if isinstance(node.value, cst.Name) and node.value.value == "None" and self._summaries:
            self._summaries[-1].none_stores.update(
                t.target.value for t in node.targets if isinstance(t.target, cst.Name)
            )
        for target in node.targets:
            self._bind_target(target.target)
            self.record.assignments.append(Assignment(self._scope, target.target, node.value))

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if isinstance(node.value, cst.Call):
            self.record.bare_calls.add(id(node.value))
        self._bind_target(node.target)
        self.record.assignments.append(
            Assignment(self._scope, node.target, node.value, node.annotation.annotation)
        )

    def _arithmetic(self, node: cst.CSTNode) -> None:
        """Arithmetic here: in the current scope and every scope around it."""
        scope: Optional[Scope] = self._scope
        while scope is not None and id(scope.node) not in self.record.arithmetic:
            self.record.arithmetic.add(id(scope.node))
            scope = scope.parent

    visit_BinaryOperation = _arithmetic

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._arithmetic(node)
        if isinstance(node.target, cst.Name):
            self._scope.assigned.add(node.target.value)
            if self._summaries:
                self._summaries[-1].stores.add(node.target.value)

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        self._bind_target(node.target)
        self.record.assignments.append(Assignment(self._scope, node.target, node.value))

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if node.asname is not None:
            self._bind_target(node.asname.name)
            self.record.assignments.append(Assignment(self._scope, node.asname.name, node.item))

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        self.record.top_of[id(node)] = self.top
        caught = node.type.elements if isinstance(node.type, cst.Tuple) else ()
        expressions: list[Optional[cst.BaseExpression]] = [e.value for e in caught]
        for expression in expressions or [node.type]:
            if expression is not None:  # QL305 points at one name of the clause
                self.record.top_of[id(expression)] = self.top
        if node.name is not None:
            self._bind_target(node.name.name)

    def _enter_comprehension(self, node: cst.CSTNode) -> None:
        self._comprehensions += 1

    def _leave_comprehension(self, original_node: cst.CSTNode) -> None:
        self._comprehensions -= 1

    visit_ListComp = visit_SetComp = visit_DictComp = visit_GeneratorExp = _enter_comprehension
    leave_ListComp = leave_SetComp = leave_DictComp = leave_GeneratorExp = _leave_comprehension

    def visit_CompFor(self, node: cst.CompFor) -> None:
        # Comprehension variables are local to the comprehension: not loads worth tracking.
        for name in names_in(node.target):
            self._not_loads.add(id(name))

    def visit_MatchAs(self, node: cst.MatchAs) -> None:
        if node.name is not None:
            self._bind_target(node.name)

    # -- loops, tries, statements ----------------------------------------------

    def visit_For(self, node: cst.For) -> None:
        self.record.top_of[id(node)] = self.top
        self.record.loops.append((node, self._scope, tuple(self._loops)))
        self._loops.append(node)

    def leave_For(self, original_node: cst.For) -> None:
        self._loops.pop()

    def visit_While(self, node: cst.While) -> None:
        self.record.top_of[id(node)] = self.top
        self.record.loops.append((node, self._scope, tuple(self._loops)))
        self._loops.append(node)

    def leave_While(self, original_node: cst.While) -> None:
        self._loops.pop()

    def on_visit_attribute(self, node: cst.CSTNode, attribute: str) -> None:
        if (type(node), attribute) in _HEADERS:
            summary = self.record.summaries.get(id(node))
            if summary is None:
                summary = self.record.summaries[id(node)] = StatementSummary()
            self._summaries.append(summary)
            if isinstance(node, cst.For) and attribute == "target":
                self._bind_target(node.target)
        elif isinstance(node, (cst.Try, cst.TryStar)) and attribute == "body":
            names: list[str] = []
            for handler in node.handlers:
                names.extend(handler_names(handler.type))
            self._handlers.append(tuple(names))

    def on_leave_attribute(self, original_node: cst.CSTNode, attribute: str) -> None:
        if (type(original_node), attribute) in _HEADERS:
            self._summaries.pop()
        elif isinstance(original_node, (cst.Try, cst.TryStar)) and attribute == "body":
            self._handlers.pop()

    hooked_fields = frozenset(_HEADERS | {(cst.Try, "body"), (cst.TryStar, "body")})

    def _leave_small_statement(self) -> None:
        self._summaries.pop()

    def _enter_small_statement(self, node: cst.CSTNode) -> None:
        self.record.top_of[id(node)] = self.top
        summary = StatementSummary()
        self.record.summaries[id(node)] = summary
        self._summaries.append(summary)
        if isinstance(node, (cst.Raise, cst.Assert)):
            summary.raisers.append(node)
        elif isinstance(node, cst.Return):
            summary.returns = True
            if node.value is not None:
                self.record.handed_back.append((self._scope, node.value))
        elif isinstance(node, cst.Expr) and hands_on(node.value, self._is_local):
            summary.hands_on = True

    def _is_local(self, name: str) -> bool:
        """Has the current function bound `name` so far (never at module level)?"""
        scope = self._scope
        return (
            scope.kind in ("function", "lambda")
            and name in scope.assigned
            and name not in scope.declared_global
            and name not in scope.declared_nonlocal
        )

    # -- expressions ------------------------------------------------------------

    def visit_Call(self, node: cst.Call) -> None:
        self.record.top_of[id(node)] = self.top
        self._called.add(id(node.func))
        loops, handlers = tuple(self._loops), tuple(self._enclosing_handler_names())
        func = node.func
        self.record.calls.append(
            MethodCallSite(node, self._scope, loops, handlers, func.value, func.attr.value)
            if isinstance(func, cst.Attribute)
            else CallSite(node, self._scope, loops, handlers)
        )
        if self._comprehensions:
            self.record.in_comprehension.add(id(node))
        if self._summaries:
            summary = self._summaries[-1]
            summary.calls.append(node)
            summary.raisers.append(node)  # the path walk decides which calls are quiet
            if isinstance(node.func, cst.Attribute) and node.func.attr.value in _CONTAINER_METHODS:
                container = attribute_path(node.func.value) or ""
                for call in called_values(arg.value for arg in node.args):
                    summary.collected[call] = container

    def _collect_elements(self, node: cst.List | cst.Set | cst.Tuple) -> None:
        """`[q.get()]`: the call's value goes into a container."""
        if self._summaries:
            container = self._displays.get(id(node), "")
            for call in called_values(e.value for e in node.elements):
                self._summaries[-1].collected[call] = container

    visit_List = visit_Set = visit_Tuple = _collect_elements

    def _enclosing_handler_names(self) -> list[str]:
        names: list[str] = []
        for group in self._handlers:
            names.extend(group)
        return names

    def visit_Attribute(self, node: cst.Attribute) -> None:
        self._not_loads.add(id(node.attr))
        if node.attr.value in ("get", "get_nowait"):  # `iter(q.get, None)` points here
            self.record.top_of[id(node)] = self.top
        if node.attr.value == "task_done" and id(node) not in self._called:
            self.record.task_done_references.append((self._scope, node))
        if node.attr.value in WAIT_ATTRIBUTES or (node.attr.value == "join" and id(node) not in self._called):
            self.record.top_of[id(node)] = self.top
            self.record.wait_references.append((self._scope, node))

    def visit_Arg(self, node: cst.Arg) -> None:
        if node.keyword is not None:
            self._not_loads.add(id(node.keyword))

    def visit_Name(self, node: cst.Name) -> None:
        if self._summaries and id(node) not in self._not_loads:
            self._summaries[-1].loads.add(node.value)

    def leave_With(self, original_node: cst.With) -> None:
        self.record.top_of[id(original_node)] = self.top
        self.record.with_exits.append((self._scope, original_node, len(self.record.calls) - 0.5))

    def visit_Try(self, node: cst.Try) -> None:
        self.record.tries.append((self._scope, node))

    def visit_Expr(self, node: cst.Expr) -> None:
        if isinstance(node.value, cst.Call):
            self.record.bare_calls.add(id(node.value))

    def visit_Await(self, node: cst.Await) -> None:
        if isinstance(node.expression, cst.Call):
            self.record.awaited.add(id(node.expression))
        self.record.awaits.append((self._scope, node, len(self.record.calls) - 0.5))
        if self._summaries:
            self._summaries[-1].raisers.append(node)

    def visit_Subscript(self, node: cst.Subscript) -> None:
        if self._summaries:
            self._summaries[-1].raisers.append(node)

    def visit_Yield(self, node: cst.Yield) -> None:
        # The consumer of a generator can throw into it, or close it, at a yield.
        if self._summaries:
            self._summaries[-1].yields = True
            self._summaries[-1].raisers.append(node)
        if isinstance(node.value, cst.BaseExpression):
            self.record.handed_back.append((self._scope, node.value))

    def visit_Del(self, node: cst.Del) -> None:
        # `del item` ends the name's life: it is not a use of the item.
        for name in names_in(node.target):
            self._not_loads.add(id(name))


def walk_module(module: cst.Module) -> ModuleRecord:
    """Walk `module` once and return what it binds, calls and assigns."""
    walker = _Walker(module)
    for index, statement in enumerate(module.body):
        walker.top = index
        walker.traverse(statement)
    return walker.record
