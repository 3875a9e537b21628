"""Which objects are work queues (README.md, "What counts as a queue"), and which names are the same queue.

An identity is an access path in the scope that owns its root: a local or parameter of
a function, `self.x` across the methods of one class, a module-level name across the
module. Identities that one object flows between (`self.q = q`, `Thread(target=f,
args=(q,))`, a direct call `f(q)`: qlint/analysis/argument_flows.py) are linked into
one group; evidence is gathered per group.

A class of another module of the project tells the kind of its attributes: `client =
Client()` (or `client: Client`, a parameter or an annotated name), with `Client` imported
from a module whose `Client` builds `self.inbox = asyncio.Queue()`, makes `client.inbox`
an asyncio queue here (qlint/project/attributes.py); `made_elsewhere` says where.
"""

from __future__ import annotations

from typing import Optional

import libcst as cst

from qlint.analysis.argument_flows import ArgumentFlows
from qlint.analysis.held_classes import held_classes
from qlint.analysis.model import CallSite, MethodCallSite, Scope
from qlint.analysis.names import (
    FACTORY_CALLS,
    LITERAL_NODES,
    NON_QUEUE_CALLS,
    annotation_expression,
    attribute_path,
    dotted_expression,
    how_made,
    is_thread_wiring,
    looks_like_mapping_get,
    names_a_class,
    normalise,
    queue_class,
)
from qlint.analysis.queue_groups import Identity, IdentityLinks, QueueGroup
from qlint.analysis.record import ModuleRecord
from qlint.analysis.scopes import (
    binding_scope,
    method_binding_self,
    resolve_class,
)
from qlint.analysis.statement_shapes import handler_names
from qlint.project.view import ProjectView
from qlint.registry import QueueClass, empty_exceptions, rows
from qlint.settings import Settings

__all__ = ["EMPTY_EXCEPTIONS", "Identity", "QueueFacts", "QueueGroup"]

EMPTY_EXCEPTIONS = empty_exceptions()

_CONSTANT_NAMES = frozenset({"None", "True", "False", "Ellipsis", "NotImplemented"})
# Builtins a queue may be passed to without anything happening to its protocol.
_HARMLESS_CALLEES = frozenset(
    {"print", "len", "id", "repr", "str", "isinstance", "type", "hash", "bool", "format", "vars", "dir"}
)


class QueueFacts:
    """Identities, their groups, and how to resolve an expression to one."""

    def __init__(self, record: ModuleRecord, settings: Settings, project: Optional[ProjectView] = None) -> None:
        self.record = record
        self.settings = settings
        self.project = project
        # identity -> (file, line) where another module of the project builds the queue it holds
        self._elsewhere: dict[Identity, tuple[str, int]] = {}
        self._links = IdentityLinks()
        self._identities: dict[tuple[int, int], tuple[cst.BaseExpression, Optional[Identity]]] = {}
        self._factories: dict[Identity, str] = {}
        self._imported: set[Identity] = set()
        self.groups: dict[Identity, QueueGroup] = {}
        self.table = rows(settings.extra_queue_classes, settings.queue_classes)
        self._own_kinds: dict[Identity, set[str]] = {}  # registry rows from construction or annotation
        self._not_queue: set[Identity] = set()  # built by a known other class, or a literal
        self._made: dict[Identity, str] = {}  # identity -> "joinable" | "bounded" | "" when a queue is built into it
        self.group_of_call: dict[int, QueueGroup] = {}  # id(call) -> group of its receiver
        self.escapes_at: dict[int, list[QueueGroup]] = {}  # id(call) -> queues it hands to unseen code
        self._arguments = ArgumentFlows(record, self.identity, self._flow)
        self.callee_of_call = self._arguments.callee_of_call  # id(call) -> (function, skipped args)
        self._wired_calls = self._arguments.wired_calls  # calls whose function argument qlint resolved
        # id(call) -> the same-module function a thread, executor or callback will run later
        self.deferred_of_call = self._arguments.deferred_of_call
        self._build()

    # -- identities -------------------------------------------------------------

    def identity(self, scope: Scope, expr: cst.BaseExpression) -> Optional[Identity]:
        """The identity `expr` names in `scope`, or None. Asked many times of one node (by
        the links, the groups, `dotted`, the threads): answered once. The expression is
        kept with the answer, so that its id is not reused by another (`cst.Name(param)`)."""
        key = (id(scope), id(expr))
        known = self._identities.get(key)
        if known is None:
            known = self._identities[key] = (expr, self._identity(scope, expr))
        return known[1]

    def _identity(self, scope: Scope, expr: cst.BaseExpression) -> Optional[Identity]:
        path = attribute_path(expr)
        if path is None or path in _CONSTANT_NAMES:
            return None  # `x = None` links nothing
        root, _, rest = path.partition(".")
        owner = binding_scope(scope, root)
        if owner.kind in ("function", "lambda") and rest:
            method = method_binding_self(owner, root)
            if method is not None:
                cls = method.owner_class
                assert cls is not None
                return self._links.known((id(cls.node), "self." + rest), rest.split(".")[-1])
        ident = self._links.known((id(owner.node), path), path.split(".")[-1])
        if not rest and root in owner.imported:
            self._imported.add(ident)
        return ident

    def root(self, scope: Scope, expr: cst.BaseExpression) -> Optional[Identity]:
        """The identity that stands for all names linked to `expr`."""
        ident = self.identity(scope, expr)
        return self._links.find(ident) if ident is not None else None

    def group(self, scope: Scope, expr: cst.BaseExpression) -> Optional[QueueGroup]:
        ident = self.identity(scope, expr)
        if ident is None:
            return None
        return self.groups.get(self._links.find(ident))

    # -- dotted names through imports and factories ---------------------------------

    def dotted(self, scope: Scope, expr: cst.BaseExpression) -> Optional[str]:
        """`queue.Queue` for `q_mod.Queue` after `import queue as q_mod`, else None."""
        suffix: list[str] = []
        while True:
            if attribute_path(expr) is not None:
                ident = self.identity(scope, expr)
                factory = self._factories.get(ident) if ident is not None else None
                if factory is not None:
                    base = factory
                    break
            if isinstance(expr, cst.Attribute):
                suffix.append(expr.attr.value)
                expr = expr.value
                continue
            if isinstance(expr, cst.Call):
                inner = self.dotted(scope, expr.func)
                if inner is None:
                    return None
                base = inner + "()"
            elif isinstance(expr, cst.Name):
                owner = binding_scope(scope, expr.value)
                if expr.value in owner.imported:
                    base = owner.imported[expr.value]
                elif owner.kind == "module" and not owner.binds(expr.value):
                    base = expr.value  # a builtin
                else:
                    return None
            else:
                return None
            break
        return ".".join([base, *reversed(suffix)])

    # -- building ----------------------------------------------------------------------

    def _built_kind(self, scope: Scope, call: cst.Call) -> tuple[Optional[str], bool]:
        """(kind of queue a call builds, whether it is known to build something else)."""
        made = self.dotted(scope, call.func)
        kind = queue_class(made, self.table)
        if kind is not None:
            return kind, False
        cls = resolve_class(scope, call.func)
        if cls is not None and cls.parent is not None:  # a class of this module
            for base in cls.bases:
                kind = queue_class(self.dotted(cls.parent, dotted_expression(base)), self.table)
                if kind is not None:
                    return kind, False  # class JobQueue(queue.Queue)
            return None, True  # any other class of ours is not a standard-library queue
        return None, made in NON_QUEUE_CALLS

    def _flow(self, scope: Scope, value: cst.BaseExpression, target: Optional[Identity]) -> None:
        """`value` flows into `target`: an assignment, an argument, a thread's `args=`."""
        if target is None:
            return
        if isinstance(value, cst.Await):
            value = value.expression
        if isinstance(value, cst.Call):
            kind, other = self._built_kind(scope, value)
            if kind is not None:
                self._own_kinds.setdefault(target, set()).add(kind)
                self._made[target] = how_made(self.dotted(scope, value.func), value)
            elif other:
                self._not_queue.add(target)
            elif names_a_class(value.func):
                self._made[target] = how_made(attribute_path(value.func), value)  # `FrameQueue()`: a new object
        elif isinstance(value, LITERAL_NODES):
            self._not_queue.add(target)
        else:
            self._links.link(self.identity(scope, value), target)

    def _build(self) -> None:
        assignments = self.record.assignments
        # Factories first: `ctx = mp.get_context()` may be assigned after its first use.
        for assignment in assignments:
            value = assignment.value
            if isinstance(value, cst.Call):
                made = self.dotted(assignment.scope, value.func)
                if made is not None and normalise(made + "()") in FACTORY_CALLS:
                    target = self.identity(assignment.scope, assignment.target)
                    if target is not None:
                        self._factories[target] = normalise(made + "()")
        for assignment in assignments:
            target = self.identity(assignment.scope, assignment.target)
            if target is None:
                continue
            value = assignment.value
            if assignment.annotation is not None:
                annotated = annotation_expression(assignment.annotation)
                kind = queue_class(self.dotted(assignment.scope, annotated), self.table) if annotated else None
                if kind:
                    self._own_kinds.setdefault(target, set()).add(kind)
            if value is not None and target not in self._factories:
                self._flow(assignment.scope, value, target)
        for site in self.record.calls:
            self._arguments.link_call(site)
        # Every receiver and argument gets an identity before groups are formed.
        for site in self.record.calls:
            if isinstance(site.node.func, cst.Attribute):
                self.identity(site.scope, site.node.func.value)
            for arg in site.node.args:
                self.identity(site.scope, arg.value)
        for scope, reference in self.record.task_done_references:
            self.identity(scope, reference.value)
        if self.project is not None and self.project.made:
            self._add_made_elsewhere(self.project)
        self._add_faces()
        self._collect_groups()

    def _add_made_elsewhere(self, project: ProjectView) -> None:
        """`client.inbox`, where `client` holds a class another module of the project defines
        and builds `self.inbox` in as a queue: that queue's kind (qlint/project/attributes.py)."""
        classes = held_classes(self.record, self.identity, self.dotted)
        for ident in self._links.every():
            owner, path = ident
            base, _, attribute = path.rpartition(".")
            made_class = classes.get((owner, base)) if base and "." not in base else None
            found = project.made_queue(f"{made_class}.{attribute}") if made_class else None
            kind = queue_class(found[2], self.table) if found is not None else None
            if found is not None and kind is not None:
                self._own_kinds.setdefault(ident, set()).add(kind)
                self._elsewhere[ident] = (found[0], found[1])

    def made_elsewhere(self, scope: Scope, expr: cst.BaseExpression) -> Optional[tuple[str, int]]:
        """Where another module of the project builds the queue `expr` holds (its file from
        the project root, the line), when its kind here is known only from there."""
        found = sorted(self._elsewhere[ident] for ident in self.origins(scope, expr) if ident in self._elsewhere)
        return found[0] if found else None

    def _add_faces(self) -> None:
        """`jq.sync_q` of a `janus.Queue()` in `jq` is that class's sync face (its own row)."""
        for ident in self._links.every():
            owner, path = ident
            base, _, attribute = path.rpartition(".")
            if not base:
                continue
            for row in self._own_kinds.get((owner, base), ()):
                face = dict(self.table[row].faces).get(attribute)
                if face is not None:
                    self._own_kinds.setdefault(ident, set()).add(face)

    def receives(self, ident: Identity) -> bool:
        """True if some object flows into `ident` (an assignment to it, an argument)."""
        return self._links.receives(ident)

    def origins(self, scope: Scope, expr: cst.BaseExpression) -> set[Identity]:
        """`expr` and every identity whose object can flow into it, following flows one way.

        Unlike a group, this does not let two callers of one helper share their queues.
        """
        start = self.identity(scope, expr)
        return set() if start is None else self._links.origins(start)

    def rows_reaching(self, scope: Scope, expr: cst.BaseExpression) -> list[QueueClass]:
        """Registry rows of the objects that can flow into `expr` (evidence 1-3)."""
        names: set[str] = set()
        for ident in self.origins(scope, expr):
            names |= self._own_kinds.get(ident, set())
        return [self.table[name] for name in sorted(names)]

    def kinds_reaching(self, scope: Scope, expr: cst.BaseExpression) -> set[str]:
        """Families of the objects that can flow into `expr` (evidence 1-3)."""
        return {row.family for row in self.rows_reaching(scope, expr)}

    def _collect_groups(self) -> None:
        pattern = self.settings.queue_name_pattern()
        for ident in self._links.every():
            root = self._links.find(ident)
            group = self.groups.get(root)
            if group is None:
                group = self.groups[root] = QueueGroup()
            group.members.append(ident)
            group.rows |= self._own_kinds.get(ident, set())
            group.table = self.table
            if ident in self._not_queue or ident in self._imported or ident in self._factories:
                group.known_not_queue = True
            if pattern.fullmatch(self._links.names[ident].lower()):
                group.name_evidence = True
            made = self._made.get(ident)
            if made is not None:
                group.constructed = True
                group.made_joinable |= made == "joinable"
                group.bounded |= made == "bounded"
        for site in self.record.calls:
            func = site.node.func
            if isinstance(site, MethodCallSite):
                group = self.group(site.scope, site.receiver)
                if group is not None:
                    method = site.method
                    group.methods.setdefault(method, []).append(site)
                    self.group_of_call[id(site.node)] = group
                    if method == "get" and looks_like_mapping_get(site.node):
                        group.bad_get_arguments = True
                    if method in ("get", "get_nowait") and self._catches_empty(site):
                        group.get_catches_empty = True
            if id(site.node) in self.callee_of_call or id(site.node) in self._wired_calls:
                continue
            if attribute_path(func) in _HARMLESS_CALLEES:
                continue
            passed = []
            for arg in site.node.args:
                values = [arg.value]
                if is_thread_wiring(arg) and isinstance(arg.value, (cst.Tuple, cst.List)):
                    values = [e.value for e in arg.value.elements]
                for value in values:
                    group = self.group(site.scope, value)
                    if group is not None:
                        passed.append(group)
            if passed:
                self.escapes_at[id(site.node)] = passed
        for scope, reference in self.record.task_done_references:
            group = self.group(scope, reference.value)
            if group is not None:
                group.task_done_referenced = True

    def _catches_empty(self, site: CallSite) -> bool:
        for name in site.empty_handlers:
            if not name:
                continue
            dotted = self.dotted(site.scope, dotted_expression(name))
            if dotted in EMPTY_EXCEPTIONS:
                return True
        return False

    def caught(self, scope: Scope, handler: cst.ExceptHandler) -> list[Optional[str]]:
        """Dotted names an `except` clause catches: "" for a bare except, None if unknown."""
        return [self.dotted(scope, dotted_expression(n)) if n else "" for n in handler_names(handler.type)] or [None]

    def is_empty_exception(self, scope: Scope, expr: cst.BaseExpression) -> bool:
        return self.dotted(scope, expr) in EMPTY_EXCEPTIONS
