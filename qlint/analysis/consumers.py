"""Consumer loops: which loops take items from which queue, and what their paths do."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import libcst as cst

from qlint.analysis.model import CallSite, Scope, summaries_under
from qlint.analysis.names import attribute_path, dotted_expression
from qlint.analysis.path_state import (
    ACK_AGAIN,
    ESCAPE,
    GET,
    HELPER_ALWAYS,
    HELPER_SOMETIMES,
    JOIN,
    TASK_DONE,
    PathEvents,
    State,
    TooComplex,
)
from qlint.analysis.paths import PathWalker
from qlint.analysis.queues import QueueFacts, QueueGroup
from qlint.analysis.raising import cannot_raise, quiet_call
from qlint.analysis.record import ModuleRecord
from qlint.analysis.statement_shapes import handler_names, iterates
from qlint.registry import BROAD_EXCEPTIONS, TIMEOUT_EXCEPTIONS

_ALWAYS, _SOMETIMES, _NEVER = "always", "sometimes", "never"


@dataclass(eq=False)
class ConsumerLoop:
    """A loop that takes items from `group`, and what the walk of its paths found."""

    node: cst.CSTNode
    scope: Scope
    group: QueueGroup
    gets: list[cst.CSTNode]  # get() calls, or the `q.get` of `iter(q.get, SENTINEL)`
    acknowledges: bool  # some task_done() of this queue inside (direct, helper or callback)
    function_acknowledges: bool  # a task_done() of this queue elsewhere in the same function
    paths: Optional[PathEvents]  # None when the loop was too complex to follow


class ConsumerFacts:
    """The consumer loops of a module, found and walked."""

    def __init__(self, record: ModuleRecord, queues: QueueFacts) -> None:
        self.record = record
        self.queues = queues
        self._helper_memo: dict[tuple[int, int], str] = {}
        self._imported_memo: dict[int, Optional[tuple[Scope, str]]] = {}  # id(call) -> its scope, callee
        self._quiet_memo: dict[int, bool] = {}
        self._function_memo: dict[int, bool] = {}
        self._bounds: Optional[dict[str, bool]] = None
        self._calls_in_loop: dict[int, list[CallSite]] = {}
        self._calls_in_lambda: dict[int, list[CallSite]] = {}
        for site in record.calls:
            if site.scope.kind == "lambda":
                self._calls_in_lambda.setdefault(id(site.scope.node), []).append(site)
            for loop in site.loops:
                self._calls_in_loop.setdefault(id(loop), []).append(site)
        self._position = {id(site.node): index for index, site in enumerate(record.calls)}
        self._in_lambda = {id(site.node) for sites in self._calls_in_lambda.values() for site in sites}
        self.loops = self._find_loops()

    # -- how calls and handlers look from one queue ------------------------------------

    def classify(self, group: QueueGroup, call: cst.Call) -> Optional[str]:
        if self.queues.group_of_call.get(id(call)) is group and isinstance(call.func, cst.Attribute):
            method = call.func.attr.value
            if method in ("get", "get_nowait"):
                return GET
            if method == "task_done":
                # In a lambda, it runs later (a callback): acknowledged elsewhere, not counted here.
                return HELPER_SOMETIMES if id(call) in self._in_lambda else TASK_DONE
            if method == "join":
                return JOIN
        callee = self.queues.callee_of_call.get(id(call))
        if callee is not None:
            summary = self.helper_summary(callee[0], group)
            if summary == _ALWAYS:
                return HELPER_ALWAYS
            if summary == _SOMETIMES:
                return HELPER_SOMETIMES
        deferred = self.queues.deferred_of_call.get(id(call))
        if deferred is not None:  # a thread, executor or callback that acknowledges it later
            summary = self.helper_summary(deferred, group)
            if summary == _ALWAYS:
                return HELPER_ALWAYS
            if summary == _SOMETIMES:
                return HELPER_SOMETIMES
        imported = self._imported_acknowledgement(group, call)
        if imported is not None:  # a helper of another module of the project
            return imported
        if any(g is group for g in self.queues.escapes_at.get(id(call), ())):
            return ESCAPE
        return None

    def _imported_acknowledgement(self, group: QueueGroup, call: cst.Call) -> Optional[str]:
        """A function of another module that acknowledges what `call` hands it of `group`
        (`from .acks import finish; finish(q)`), as the project read it
        (qlint/project/acknowledgers.py)."""
        project = self.queues.project
        if project is None or not project.targets or not call.args or id(call) not in self._position:
            return None
        if id(call) not in self._imported_memo:
            scope = self.record.calls[self._position[id(call)]].scope
            dotted = self.queues.dotted(scope, call.func)
            known = dotted is not None and project.target(dotted) is not None
            self._imported_memo[id(call)] = (scope, dotted) if known and dotted else None
        found = self._imported_memo[id(call)]
        if found is None:
            return None
        scope, dotted = found
        answers = set()
        for index, arg in enumerate(call.args):
            if arg.keyword is not None or arg.star:
                break
            if self.queues.group(scope, arg.value) is group:
                answers.add(project.acknowledgement(dotted, index))
        return HELPER_ALWAYS if "always" in answers else HELPER_SOMETIMES if "sometimes" in answers else None

    def handler_kind(self, scope: Scope, caught: Optional[cst.BaseExpression]) -> str:
        """What an `except` clause (or `suppress(...)`) catches: "broad", "empty", "timeout", "other"."""
        names = handler_names(caught)
        empties, timeouts = [], []
        for name in names:
            if name == "":
                return "broad"
            expr = dotted_expression(name)
            dotted = self.queues.dotted(scope, expr)
            if dotted in BROAD_EXCEPTIONS:
                return "broad"
            empties.append(self.queues.is_empty_exception(scope, expr))
            timeouts.append(dotted in TIMEOUT_EXCEPTIONS)
        if empties and all(empties):
            return "empty"
        if names and all(e or t for e, t in zip(empties, timeouts)):
            return "timeout"
        return "other"

    def walker(self, group: QueueGroup, scope: Scope) -> PathWalker:
        return PathWalker(
            self.record.summaries,
            lambda call: self.classify(group, call),
            lambda caught: self.handler_kind(scope, caught),
            self.quiet,
            scope.is_async,
        )

    def quiet(self, call: cst.Call) -> bool:
        """A call that does not raise in practice (analysis/raising.py), or a call of a
        same-module function that cannot raise (`_function_quiet`)."""
        key = id(call)
        known = self._quiet_memo.get(key)
        if known is None:
            self._quiet_memo[key] = False  # a recursive call is not known to be quiet
            known = quiet_call(call, self._unbounded_put, self._queue_put)
            if not known:
                callee = self.queues.callee_of_call.get(key)
                known = callee is not None and self._function_quiet(callee[0])
            self._quiet_memo[key] = known
        return known

    def _function_quiet(self, function: Scope) -> bool:
        """A function of this module that catches every exception, or whose statements
        hold no raising point at all (quiet calls; no subscripts, arithmetic, raises,
        awaits or yields). Judged once per function."""
        node = function.node
        if not isinstance(node, cst.FunctionDef):
            return False
        known = self._function_memo.get(id(node))
        if known is None:
            self._function_memo[id(node)] = False  # recursion: not known to be quiet
            known = cannot_raise(node) or (
                id(node) not in self.record.arithmetic
                and all(
                    isinstance(raiser, cst.Call) and self.quiet(raiser)
                    for summary in summaries_under(self.record.summaries, node.body)
                    for raiser in summary.raisers
                )
            )
            self._function_memo[id(node)] = known
        return known

    def _queue_put(self, call: cst.Call) -> bool:
        group = self.queues.group_of_call.get(id(call))
        return group is not None and group.is_queue

    def _unbounded_put(self, call: cst.Call) -> bool:
        """A put into a queue made unbounded in this module: through its own names, or
        through an attribute (`call.stt_queue`) that every class here makes unbounded."""
        group = self.queues.group_of_call.get(id(call))
        if group is None:
            return False
        if group.constructed:
            return not group.bounded
        names = {path.rsplit(".", 1)[1] for _, path in group.members if "." in path}
        bounds = self._attribute_bounds()
        return bool(names) and all(bounds.get(name) is False for name in names)

    def _attribute_bounds(self) -> dict[str, bool]:
        """For each `self.x` that classes here make a queue: whether any of them is bounded."""
        if self._bounds is None:
            self._bounds = {}
            for group in self.queues.groups.values():
                if not group.constructed:
                    continue
                for _, path in group.members:
                    if path.startswith("self.") and path.count(".") == 1:
                        name = path[5:]
                        self._bounds[name] = self._bounds.get(name, False) or group.bounded
        return self._bounds

    def helper_summary(self, function: Scope, group: QueueGroup) -> str:
        """Does `function` call task_done() on `group` on every path, some, or none?"""
        key = (id(function.node), id(group))
        if key in self._helper_memo:
            return self._helper_memo[key]
        self._helper_memo[key] = _NEVER  # a recursive call adds no acknowledgement of its own
        result = _NEVER
        node = function.node
        if isinstance(node, cst.Lambda):
            for site in self._calls_in_lambda.get(id(node), ()):
                func = site.node.func
                if self.queues.group_of_call.get(id(site.node)) is group and isinstance(func, cst.Attribute):
                    if func.attr.value == "task_done":
                        result = _ALWAYS if site.node is node.body else _SOMETIMES
        elif isinstance(node, cst.FunctionDef):
            walker = self.walker(group, function)
            try:
                ends = walker.function(node.body.body)
            except TooComplex:
                result = _SOMETIMES
            else:
                if walker.findings.saw_task_done or walker.findings.saw_maybe_task_done:
                    done = ends and all(s.done >= 1 and not s.unknown for s in ends)
                    result = _ALWAYS if done else _SOMETIMES
        self._helper_memo[key] = result
        return result

    # -- finding the loops -----------------------------------------------------------------

    def _acknowledged_in(self, loop: cst.CSTNode, group: QueueGroup) -> bool:
        for site in self._calls_in_loop.get(id(loop), ()):
            if self.classify(group, site.node) in (TASK_DONE, HELPER_ALWAYS, HELPER_SOMETIMES):
                return True
        # A callback defined in the loop acknowledges.
        return any(loop in site.scope.loops_outside for site in group.methods.get("task_done", ()))

    def _find_loops(self) -> list[ConsumerLoop]:
        found: dict[tuple[int, int], ConsumerLoop] = {}
        order: list[tuple[int, int]] = []

        def add(loop: cst.CSTNode, scope: Scope, group: QueueGroup, get: cst.CSTNode) -> None:
            key = (id(loop), id(group))
            if key not in found:
                found[key] = ConsumerLoop(loop, scope, group, [], False, False, None)
                order.append(key)
            found[key].gets.append(get)

        for group in self.queues.groups.values():
            if not group.is_queue:
                continue
            for method in ("get", "get_nowait"):
                for site in group.methods.get(method, ()):
                    if site.loops:
                        add(self._consumer_loop_of(site, group), site.scope, group, site.node)
        for loop, scope, _ in self.record.loops:
            getter = _iter_get(loop)
            if getter is not None:
                iterated = self.queues.group(scope, getter.value)
                if iterated is not None and iterated.is_queue:
                    add(loop, scope, iterated, getter)
        loops = [found[key] for key in order]
        for consumer in loops:
            self._analyse(consumer)
        return loops

    def _consumer_loop_of(self, site: CallSite, group: QueueGroup) -> cst.CSTNode:
        """The innermost enclosing loop that acknowledges this queue, else the outermost."""
        for loop in reversed(site.loops):
            if self._acknowledged_in(loop, group):
                return loop
        return site.loops[0]

    def _analyse(self, consumer: ConsumerLoop) -> None:
        group, loop = consumer.group, consumer.node
        consumer.acknowledges = self._acknowledged_in(loop, group)
        consumer.function_acknowledges = any(
            site.scope is consumer.scope for site in group.methods.get("task_done", ())
        )
        initial = State()
        getter = _iter_get(loop)
        if getter is not None and self.queues.group(consumer.scope, getter.value) is group:
            header = self.record.summaries.get(id(loop))  # the `for` target's names are its stores
            initial = State(got=1, get_node=getter, tainted=frozenset(header.stores if header else ()))
        try:
            consumer.paths = self.walker(group, consumer.scope).loop(loop, initial)
        except TooComplex:
            consumer.paths = None
            return
        if consumer.paths.saw_task_done and consumer.paths.filled:
            for call in self._acknowledged_again(consumer, consumer.paths.filled):
                consumer.paths.add(ACK_AGAIN, call)

    def _acknowledged_again(self, consumer: ConsumerLoop, filled: set[str]) -> list[cst.CSTNode]:
        """`for _ in batch: q.task_done()` after a loop that acknowledged each item it put
        into `batch`: the task_done() calls of that second acknowledgement."""
        found: list[cst.CSTNode] = []
        for loop, scope, outer in self.record.loops:
            if scope is not consumer.scope or loop is consumer.node or consumer.node in outer:
                continue
            if not any(iterates(loop, name) for name in filled):
                continue
            for site in self._calls_in_loop.get(id(loop), ()):
                if self.classify(consumer.group, site.node) == TASK_DONE and self._after(site.node, consumer):
                    found.append(site.node)
        return found

    def _after(self, call: cst.Call, consumer: ConsumerLoop) -> bool:
        position = self._position
        return all(position.get(id(call), -1) > position.get(id(get), -1) for get in consumer.gets)


def _iter_get(loop: cst.CSTNode) -> Optional[cst.Attribute]:
    """The `q.get` of `for item in iter(q.get, SENTINEL)`, if this loop is one."""
    if not isinstance(loop, cst.For) or not isinstance(loop.iter, cst.Call):
        return None
    call = loop.iter
    if attribute_path(call.func) != "iter" or len(call.args) != 2:
        return None
    getter = call.args[0].value
    if isinstance(getter, cst.Attribute) and getter.attr.value in ("get", "get_nowait"):
        return getter
    return None

