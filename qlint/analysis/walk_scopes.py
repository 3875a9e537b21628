"""Walk scopes: the part of the module walk that enters and leaves functions, lambdas and
classes, and records their parameters.

walk.py records what happens in statements; this is the frame it happens in: which
scope is current, the loops and `try` handlers around the walk within it (a new scope
starts with none), and the names a `def`, `class` or parameter binds. It is separate
because every record the walk makes names its scope, but none of the scope bookkeeping
depends on what is recorded.
"""

from __future__ import annotations

import libcst as cst

from qlint.analysis.model import Assignment, Scope
from qlint.analysis.names import attribute_path
from qlint.analysis.record import ModuleRecord
from qlint.analysis.traversal import FieldWalker


class ScopeWalker(FieldWalker):
    """The module walk's scopes; walk.py's walker adds what it records in them."""

    def __init__(self, module: cst.Module) -> None:
        top = Scope(node=module, kind="module", name="<module>", parent=None)
        self.record = ModuleRecord(module=top, scopes=[top])
        self.record.scope_of_node[id(module)] = top
        self._scope = top
        self._loops: list[cst.CSTNode] = []
        self._loop_stacks: list[list[cst.CSTNode]] = []
        self._handlers: list[tuple[str, ...]] = []
        self._handler_stacks: list[list[tuple[str, ...]]] = []
        self._not_loads: set[int] = set()

    # -- scopes ---------------------------------------------------------------

    def _enter_scope(self, node: cst.CSTNode, kind: str, name: str) -> Scope:
        parent = self._scope
        scope = Scope(
            node=node,
            kind=kind,
            name=name,
            parent=parent,
            loops_outside=parent.loops_outside + tuple(self._loops),
        )
        self.record.scopes.append(scope)
        self.record.scope_of_node[id(node)] = scope
        self._loop_stacks.append(self._loops)
        self._loops = []
        self._handler_stacks.append(self._handlers)
        self._handlers = []
        self._scope = scope
        return scope

    def _leave_scope(self) -> None:
        assert self._scope.parent is not None
        self._scope = self._scope.parent
        self._loops = self._loop_stacks.pop()
        self._handlers = self._handler_stacks.pop()

    def _add_params(self, scope: Scope, params: cst.Parameters) -> None:
        every = [*params.posonly_params, *params.params, *params.kwonly_params]
        for star in (params.star_arg, params.star_kwarg):
            if isinstance(star, cst.Param):
                every.append(star)
        for param in every:
            scope.params.append(param.name.value)
            self._not_loads.add(id(param.name))
            if param.annotation is not None:
                self.record.assignments.append(
                    Assignment(scope, param.name, None, param.annotation.annotation)
                )

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        parent = self._scope
        parent.assigned.add(node.name.value)
        self._not_loads.add(id(node.name))
        scope = self._enter_scope(node, "function", node.name.value)
        parent.functions[node.name.value] = scope
        scope.is_async = node.asynchronous is not None
        # A staticmethod binds no first parameter; a classmethod binds `cls` as a method binds `self`.
        scope.is_static = any(attribute_path(d.decorator) == "staticmethod" for d in node.decorators)
        self._add_params(scope, node.params)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self._leave_scope()

    def visit_Lambda(self, node: cst.Lambda) -> None:
        scope = self._enter_scope(node, "lambda", "<lambda>")
        self._add_params(scope, node.params)

    def leave_Lambda(self, original_node: cst.Lambda) -> None:
        self._leave_scope()

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        parent = self._scope
        parent.assigned.add(node.name.value)
        self._not_loads.add(id(node.name))
        scope = self._enter_scope(node, "class", node.name.value)
        parent.classes[node.name.value] = scope
        scope.bases = [p for p in (attribute_path(a.value) for a in node.bases) if p]

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self._leave_scope()
