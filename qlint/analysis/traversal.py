"""A fast walk over a LibCST tree: only the fields that can hold code, in source order.

LibCST's own visitor rebuilds every node it passes, whitespace included; qlint only
reads, so it walks the dataclass fields directly and dispatches `visit_X`/`leave_X` by
type. Subclasses name the (node type, field) pairs around which they want
`on_visit_attribute`/`on_leave_attribute` calls.
"""

from __future__ import annotations

import dataclasses
from typing import ClassVar

import libcst as cst

# Fields that hold only whitespace, punctuation or operators: never code we read.
_SKIPPED_FIELDS = frozenset(
    {"lpar", "rpar", "comma", "semicolon", "leading_lines", "lines_after_decorators", "header",
     "footer", "trailing_whitespace", "newline", "indent", "lbracket", "rbracket", "lbrace",
     "rbrace", "colon", "equal", "dot", "operator", "asynchronous", "first_line", "star",
     "default_indent", "default_newline", "has_trailing_newline", "encoding"}
)


class _Plan:
    """How to walk one node type: its visit/leave methods and the fields worth entering."""

    def __init__(self, cls: type, walker: type, hooked: frozenset[tuple[type, str]]) -> None:
        self.small_statement = issubclass(cls, cst.BaseSmallStatement)
        self.visit = getattr(walker, "visit_" + cls.__name__, None)
        self.leave = getattr(walker, "leave_" + cls.__name__, None)
        self.fields = tuple(
            (f.name, (cls, f.name) in hooked)
            for f in dataclasses.fields(cls)
            if not f.name.startswith("whitespace") and f.name not in _SKIPPED_FIELDS
        )


# What a field's value is, by its class: asked once per class, not per value, since
# `isinstance` against CSTNode (an abstract base class) is slow enough to dominate a walk.
_OTHER, _SEQUENCE, _NODE, _CONCATENATION = range(1, 5)  # all true, for `or`; a node from _NODE up
_KINDS: dict[type, int] = {}


def _kind(cls: type) -> int:
    """The kind of a class not met before (then remembered)."""
    if issubclass(cls, cst.ConcatenatedString):
        kind = _CONCATENATION
    elif issubclass(cls, cst.CSTNode):
        kind = _NODE
    elif issubclass(cls, (list, tuple)):
        kind = _SEQUENCE
    else:
        kind = _OTHER
    _KINDS[cls] = kind
    return kind


class FieldWalker:
    """Base of qlint's walks: `traverse(node)` calls `visit_X(node)` / `leave_X(node)`."""

    hooked_fields: ClassVar[frozenset[tuple[type, str]]] = frozenset()
    _plans: ClassVar[dict[type, _Plan]] = {}  # node class -> plan, one dict per walker class

    def __init_subclass__(cls) -> None:
        super().__init_subclass__()
        cls._plans = {}

    def _enter_small_statement(self, node: cst.CSTNode) -> None:
        """Called before a small statement's own visit method."""

    def _leave_small_statement(self) -> None:
        """Called after a small statement's children and leave method."""

    def on_visit_attribute(self, node: cst.CSTNode, attribute: str) -> None:
        """Called before the children in a hooked field."""

    def on_leave_attribute(self, original_node: cst.CSTNode, attribute: str) -> None:
        """Called after the children in a hooked field."""

    def traverse(self, node: cst.CSTNode) -> None:
        """Visit `node` and the children that can hold code, in source order."""
        cls = node.__class__
        plan = self._plans.get(cls)
        if plan is None:
            plan = self._plans[cls] = _Plan(cls, type(self), self.hooked_fields)
        if plan.small_statement:
            self._enter_small_statement(node)
        descend = plan.visit is None or plan.visit(self, node) is not False
        if descend:
            for name, hooked in plan.fields:
                value = getattr(node, name)
                if hooked:
                    self.on_visit_attribute(node, name)
                kind = _KINDS.get(value.__class__) or _kind(value.__class__)
                if kind == _NODE:
                    self.traverse(value)
                elif kind == _SEQUENCE:
                    for item in value:
                        if (_KINDS.get(item.__class__) or _kind(item.__class__)) >= _NODE:
                            self.traverse(item)  # a concatenation in a list is walked as any node
                elif kind == _CONCATENATION:
                    self._traverse_concatenation(value)
                if hooked:
                    self.on_leave_attribute(node, name)
        if plan.leave is not None:
            plan.leave(self, node)
        if plan.small_statement:
            self._leave_small_statement()

    def _traverse_concatenation(self, node: cst.ConcatenatedString) -> None:
        """`"a" "b" "c"` nests to the right once per string: walk it as a list."""
        current: cst.BaseExpression = node
        while isinstance(current, cst.ConcatenatedString):
            self.traverse(current.left)
            current = current.right
        self.traverse(current)
