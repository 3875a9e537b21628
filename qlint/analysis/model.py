"""What the one walk over a module records: scopes, calls, assignments, statements."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterator, Optional

import libcst as cst

# The loops a call sits in, outermost first, within its own function.
LoopStack = tuple[cst.CSTNode, ...]


@dataclass(eq=False)
class Scope:
    """A module, class, function or lambda, with the names it binds."""

    node: cst.CSTNode
    kind: str  # "module" | "class" | "function" | "lambda"
    name: str
    parent: Optional[Scope]
    params: list[str] = field(default_factory=list)
    assigned: set[str] = field(default_factory=set)
    imported: dict[str, str] = field(default_factory=dict)  # local name -> dotted
    declared_global: set[str] = field(default_factory=set)
    declared_nonlocal: set[str] = field(default_factory=set)
    functions: dict[str, Scope] = field(default_factory=dict)  # defs in its body
    classes: dict[str, Scope] = field(default_factory=dict)
    bases: list[str] = field(default_factory=list)  # class: base names
    is_static: bool = False  # a @staticmethod
    is_async: bool = False
    loops_outside: LoopStack = ()  # loops of enclosing scopes around this def

    @property
    def owner_class(self) -> Optional[Scope]:
        """The class whose method this is, if it is one."""
        if self.kind == "function" and self.parent is not None and self.parent.kind == "class":
            return self.parent
        return None

    @property
    def self_name(self) -> Optional[str]:
        """The name of `self` in a method, or None."""
        if self.owner_class is not None and not self.is_static and self.params:
            return self.params[0]
        return None

    def binds(self, name: str) -> bool:
        """True if `name` is local to this scope (Python's rule: assigned anywhere in it)."""
        if name in self.declared_global or name in self.declared_nonlocal:
            return False
        return name in self.assigned or name in self.params or name in self.imported


@dataclass(eq=False)
class CallSite:
    """One call in the module and where it sits."""

    node: cst.Call
    scope: Scope
    loops: LoopStack  # enclosing loops within `scope`, outermost first
    empty_handlers: tuple[str, ...]  # dotted names of handlers of enclosing `try` bodies


@dataclass(eq=False)
class MethodCallSite(CallSite):
    """A call of an attribute, `receiver.method(...)`: the walk records these parts it knows."""

    receiver: cst.BaseExpression  # `q` in `q.get()`
    method: str  # "get"


@dataclass(eq=False)
class Assignment:
    """`target = value` (also annotated, `with ... as target`, walrus)."""

    scope: Scope
    target: cst.BaseExpression
    value: Optional[cst.BaseExpression]
    annotation: Optional[cst.BaseExpression] = None


@dataclass(eq=False)
class StatementSummary:
    """What one simple statement (or compound header) does, in evaluation order."""

    calls: list[cst.Call] = field(default_factory=list)
    raisers: list[cst.CSTNode] = field(default_factory=list)  # calls, awaits, subscripts...
    loads: set[str] = field(default_factory=set)
    stores: set[str] = field(default_factory=set)
    none_stores: set[str] = field(default_factory=set)  # names assigned `None`
    # id(call) -> the container its value goes into: `batch = [q.get()]`, `batch.append(q.get())`
    # ("" when the container has no name of its own).
    collected: dict[int, str] = field(default_factory=dict)
    yields: bool = False
    returns: bool = False
    hands_on: bool = False  # print / logging / collecting the item: not "processing" it


_STATEMENT_PARTS = (
    cst.BaseSmallStatement, cst.BaseCompoundStatement, cst.BaseSuite, cst.SimpleStatementLine,
    cst.ExceptHandler, cst.ExceptStarHandler, cst.Else, cst.Finally, cst.MatchCase,
)


def summaries_under(summaries: dict[int, StatementSummary], node: cst.CSTNode) -> Iterator[StatementSummary]:
    """Summaries of every statement and header under `node`, nested defs and classes excluded."""
    own = summaries.get(id(node))
    if own is not None:
        yield own
    for child in node.children:
        if isinstance(child, (cst.FunctionDef, cst.ClassDef)):
            continue
        if isinstance(child, _STATEMENT_PARTS):
            yield from summaries_under(summaries, child)

