"""Threads, processes and tasks: which function each runs, when it starts, when it is joined.

A worker is made by `threading.Thread(target=...)`, `multiprocessing.Process(...)`, a
`Thread` subclass defined in the module, `asyncio.create_task(f(...))` (or a task
group's / loop's `create_task`), or `executor.submit(f, ...)`. It is held by names,
lists (`append`, comprehensions, literals) and attributes, and `for t in threads:`
binds `t` to each. Positions are source order (the number of calls before a point),
within the function that makes the worker.

A target imported from another module of the project (`from app.workers import
consume; Thread(target=consume, args=(q,))`, `from .workers import consume`, or
`executor.submit(w.consume, q)`) is judged by what the project's index read there
(qlint/analysis/remote_targets.py): whether it runs a consumer loop that never ends,
and which of its parameters it puts into.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterable, Optional, TypeVar

import libcst as cst

from qlint.analysis.consumers import ConsumerFacts
from qlint.analysis.loop_ends import blind_to_its_flag, never_ends
from qlint.analysis.model import CallSite, MethodCallSite, Scope
from qlint.analysis.names import (
    attribute_path,
    dotted_expression,
    normalise,
)
from qlint.analysis.queues import Identity, QueueFacts, QueueGroup
from qlint.analysis.record import ModuleRecord
from qlint.analysis.remote_targets import RemoteTarget, args_tuple, keyword, remote_target
from qlint.analysis.scopes import resolve_class, resolve_function
from qlint.project.view import ProjectView
from qlint.registry import TASK_FACTORIES, THREAD_CLASSES

_T = TypeVar("_T")

_WAITERS = frozenset({"gather", "wait", "wait_for", "as_completed"})
_CONSTANTS = (cst.Integer, cst.Float, cst.Imaginary, cst.SimpleString, cst.ConcatenatedString)


@dataclass(eq=False)
class Worker:
    """One thread, process, task or future, and what happens to it in its function."""

    node: cst.Call
    kind: str  # "thread" | "process" | "task" | "future"
    scope: Scope
    target: Optional[Scope]
    creator: Optional[Identity] = None  # the executor or task group that made it
    started_at: Optional[float] = None
    joins: list[tuple[float, cst.CSTNode, bool]] = field(default_factory=list)  # (position, node, timed)
    stopped_at: list[float] = field(default_factory=list)  # terminate(), kill(), cancel()
    remote: Optional[RemoteTarget] = None  # the target, when another module of the project defines it

    @property
    def name(self) -> str:
        """How a message names it: `produce()`, `a lambda`, `consume() in workers.py:4` (in
        another file), or `a worker` when unknown."""
        if self.remote is not None:
            return f"{self.remote.name}() in {self.remote.shown}:{self.remote.facts[0]}"
        if self.target is None:
            return "a worker"
        if self.target.kind == "lambda":
            return "a lambda"
        return f"{self.target.name}()"

    def joined_before(self, position: float) -> bool:
        return any(at < position for at, _, _ in self.joins)


class ThreadFacts:
    """The workers of a module, and which of them produce into or endlessly consume a queue."""

    def __init__(
        self, record: ModuleRecord, queues: QueueFacts, consumers: ConsumerFacts, project: Optional[ProjectView] = None
    ) -> None:
        self.record = record
        self.project = project
        self.queues = queues
        self.consumers = consumers
        self.position = {id(site.node): index for index, site in enumerate(record.calls)}
        self.workers: list[Worker] = []
        self._made: dict[int, Worker] = {}  # id(creating call) -> worker
        self._held: dict[Identity, set[Worker]] = {}
        # Calls by the function they run in: a lambda's calls run in the function around it.
        self._calls_by_runner: dict[int, list[CallSite]] = {}
        self._calls_by_scope: dict[int, list[CallSite]] = {}
        for site in record.calls:
            self._calls_by_scope.setdefault(id(site.scope.node), []).append(site)
            runner = site.scope
            while runner.kind == "lambda" and runner.parent is not None:
                runner = runner.parent
            self._calls_by_runner.setdefault(id(runner.node), []).append(site)
        self._puts: dict[int, frozenset[MethodCallSite]] = {}
        self._endless: dict[int, frozenset[int]] = {}
        self._flagged: dict[int, frozenset[int]] = {}
        self._find_workers()
        if self.workers:  # most modules start none: nothing to hold, start or join
            self._find_holders()
            self._find_events()

    # -- what a function does with queues ---------------------------------------------------

    def puts_into(self, function: Optional[Scope], scope: Scope, queue: cst.BaseExpression) -> bool:
        """True if `function` (or one it calls) puts into the queue `queue` names in `scope`.

        The put's queue and `queue` must share an origin: the same object can reach both.
        """
        if function is None:
            return False
        wanted = self.queues.origins(scope, queue)
        return any(
            self.queues.origins(site.scope, site.receiver) & wanted
            for site in self._transitive(function, self._puts, self._own_puts)
        )

    def fed_from_joined_stage(self, worker: Worker, scope: Scope, queue: cst.BaseExpression, at: float) -> bool:
        """A pipeline stage that is known to be done putting into `queue` by `at`.

        The worker puts into `queue` only inside a consumer loop of another queue, each put
        before that loop's `task_done()`, and that other queue is joined in `scope` before
        `at`: when that join returned, every item the stage took was acknowledged, so every
        put it makes from them was made.
        """
        function = worker.target
        if function is None:
            return False
        wanted = self.queues.origins(scope, queue)
        puts = [
            site
            for site in self._transitive(function, self._puts, self._own_puts)
            if self.queues.origins(site.scope, site.receiver) & wanted
        ]
        return bool(puts) and all(self._put_before_joined_ack(put, function, scope, at) for put in puts)

    def _put_before_joined_ack(self, put: CallSite, function: Scope, scope: Scope, at: float) -> bool:
        loop = next((c for c in self.consumers.loops if c.scope is function and c.node in put.loops), None)
        if put.scope is not function or loop is None:
            return False  # through a helper, or outside a consumer loop: not followed
        where = self.position
        acks = [site for site in loop.group.methods.get("task_done", ()) if loop.node in site.loops]
        if not acks or any(where[id(ack.node)] < where[id(put.node)] for ack in acks):
            return False
        return any(
            join.scope is scope and where[id(join.node)] < at for join in loop.group.methods.get("join", ())
        )

    def consumes(self, function: Optional[Scope], group: QueueGroup) -> bool:
        return function is not None and any(
            loop.group is group and loop.scope is function for loop in self.consumers.loops
        )

    def endless_consumer(self, function: Optional[Scope]) -> bool:
        """True if `function` (or one it calls) runs a consumer loop that can never end."""
        return function is not None and bool(self._transitive(function, self._endless, self._own_endless))

    def endless_worker(self, worker: Worker) -> bool:
        """The worker's target (here, or in another module) runs a consumer loop that never ends."""
        if worker.remote is not None:
            return worker.remote.endless_line > 0
        return self.endless_consumer(worker.target)

    def remote_puts_into(self, worker: Worker, scope: Scope, queue: cst.BaseExpression) -> bool:
        """A target in another module that only produces: it puts into a parameter handed
        something that shares an origin with `queue`, and gets from no queue at all."""
        remote = worker.remote
        if remote is None or remote.facts[4]:
            return False
        wanted = self.queues.origins(scope, queue)
        return any(self.queues.origins(worker.scope, arg) & wanted for arg in remote.handed(remote.facts[2]))

    def remote_consumes(self, worker: Worker, group: QueueGroup) -> bool:
        """A target in another module that gets from a parameter handed `group`."""
        remote = worker.remote
        return remote is not None and any(
            self.queues.group(worker.scope, arg) is group for arg in remote.handed(remote.facts[3])
        )

    def _transitive(
        self, function: Scope, memo: dict[int, frozenset[_T]], own: Callable[[Scope], Iterable[_T]]
    ) -> frozenset[_T]:
        key = id(function.node)
        if key in memo:
            return memo[key]
        memo[key] = frozenset()  # recursion: what is known so far
        found = set(own(function))
        for site in self._calls_in(function):
            callee = self.queues.callee_of_call.get(id(site.node))
            if callee is not None:
                found |= self._transitive(callee[0], memo, own)
        memo[key] = frozenset(found)
        return memo[key]

    def _calls_in(self, function: Scope) -> Iterable[CallSite]:
        """Calls in `function` and in the lambdas inside it (they run as part of it)."""
        if function.kind == "lambda":
            return self._calls_by_scope.get(id(function.node), ())
        return self._calls_by_runner.get(id(function.node), ())

    def _own_puts(self, function: Scope) -> set[MethodCallSite]:
        return {
            site
            for site in self._calls_in(function)
            if isinstance(site, MethodCallSite)
            and site.method in ("put", "put_nowait")
            and id(site.node) in self.queues.group_of_call
        }

    def _own_endless(self, function: Scope) -> set[int]:
        return {id(loop.group) for loop in self.consumers.loops if loop.scope is function and never_ends(loop)}

    def flag_consumer(self, function: Optional[Scope]) -> bool:
        """True if `function` (or one it calls) runs `while not stop.is_set(): q.get()`: a
        loop that, blocked in get(), cannot see its stop flag."""
        return function is not None and bool(self._transitive(function, self._flagged, self._own_flagged))

    def _own_flagged(self, function: Scope) -> set[int]:
        return {id(loop.group) for loop in self.consumers.loops if loop.scope is function and blind_to_its_flag(loop)}

    def woken_after_stop(self, scope: Scope, at: float, since: float) -> bool:
        """A put in `scope` after its last `.set()` before `at` (or after `since`): an item
        that wakes a worker blocked in get() so that it sees its stop flag."""
        calls = [(self.position[id(s.node)], s.node) for s in self._calls_by_scope.get(id(scope.node), ())]
        sets = [p for p, call in calls if p < at and _method(call) == "set"]
        start = max(sets, default=since)
        return any(start < p < at and _method(call) in ("put", "put_nowait") for p, call in calls)

    # -- finding workers ---------------------------------------------------------------------

    def _find_workers(self) -> None:
        for site in self.record.calls:
            worker = self._worker_made_by(site)
            if worker is not None:
                self.workers.append(worker)
                self._made[id(site.node)] = worker

    def _worker_made_by(self, site: CallSite) -> Optional[Worker]:
        call, scope = site.node, site.scope
        made = self.queues.dotted(scope, call.func)
        kind = THREAD_CLASSES.get(normalise(made)) if made else None
        if kind is not None:
            given = next((a.value for a in call.args if keyword(a) == "target"), None)
            target = resolve_function(self.record, scope, given) if given is not None else None
            remote = None
            if target is None and given is not None:
                remote = remote_target(self.project, self.queues, scope, given, args_tuple(call))
            return Worker(call, kind, scope, target[0] if target else None, remote=remote)
        subclass_run = self._thread_subclass_run(scope, call.func)
        if subclass_run is not None:
            return Worker(call, subclass_run[1], scope, subclass_run[0])
        method = call.func.attr.value if isinstance(call.func, cst.Attribute) else None
        positional = [a.value for a in call.args if a.keyword is None and not a.star]
        if made in TASK_FACTORIES or method == "create_task":
            inner = positional[0] if positional else None
            callee = self.queues.callee_of_call.get(id(inner)) if isinstance(inner, cst.Call) else None
            creator = self._creator(scope, call) if method == "create_task" else None
            return Worker(call, "task", scope, callee[0] if callee else None, creator, self.position[id(call)])
        if method == "submit" and positional:
            target = resolve_function(self.record, scope, positional[0])
            remote = None if target is not None else remote_target(self.project, self.queues, scope, positional[0], positional[1:])
            return Worker(
                call, "future", scope, target[0] if target else None, self._creator(scope, call), self.position[id(call)],
                remote=remote,
            )
        return None

    def _creator(self, scope: Scope, call: cst.Call) -> Optional[Identity]:
        assert isinstance(call.func, cst.Attribute)
        return self.queues.root(scope, call.func.value)

    def _thread_subclass_run(self, scope: Scope, func: cst.BaseExpression) -> Optional[tuple[Scope, str]]:
        cls = resolve_class(scope, func)
        if cls is None or cls.parent is None:
            return None
        for base in cls.bases:
            kind = THREAD_CLASSES.get(normalise(self.queues.dotted(cls.parent, dotted_expression(base)) or ""))
            if kind is not None and "run" in cls.functions:
                return cls.functions["run"], kind
        return None

    # -- who holds which worker ------------------------------------------------------------------

    def held_by(self, scope: Scope, expr: cst.BaseExpression) -> set[Worker]:
        """Workers an expression may hold: a name, a list of them, or the creating call itself."""
        if isinstance(expr, cst.Call) and id(expr) in self._made:
            return {self._made[id(expr)]}
        root = self.queues.root(scope, expr)
        return self._held.get(root, set()) if root is not None else set()

    def _hold(self, scope: Scope, target: cst.BaseExpression, workers: set[Worker]) -> None:
        root = self.queues.root(scope, target)
        if root is not None and workers:
            self._held.setdefault(root, set()).update(workers)

    def _find_holders(self) -> None:
        for _ in range(2):  # lists of lists, and loops over them, settle in two rounds
            for assignment in self.record.assignments:
                value = assignment.value
                if value is None:
                    continue
                held = self._held_by_value(assignment.scope, value)
                self._hold(assignment.scope, assignment.target, held)
            for site in self.record.calls:
                func = site.node.func
                if isinstance(func, cst.Attribute) and func.attr.value in ("append", "add", "extend", "insert"):
                    for arg in site.node.args:
                        self._hold(site.scope, func.value, self._held_by_value(site.scope, arg.value))
            for loop, scope, _ in self.record.loops:
                if isinstance(loop, cst.For):
                    self._hold(scope, loop.target, self._held_by_value(scope, loop.iter))

    def _held_by_value(self, scope: Scope, value: cst.BaseExpression) -> set[Worker]:
        if isinstance(value, (cst.ListComp, cst.GeneratorExp, cst.SetComp)):
            return self._held_by_value(scope, value.elt)
        if isinstance(value, (cst.List, cst.Tuple, cst.Set)):
            return {
                w for e in value.elements if not isinstance(e.value, _CONSTANTS) for w in self._held_by_value(scope, e.value)
            }
        if isinstance(value, cst.BinaryOperation):  # producers + consumers
            return self._held_by_value(scope, value.left) | self._held_by_value(scope, value.right)
        return self.held_by(scope, value)

    # -- starts, joins, stops ------------------------------------------------------------------

    def _find_events(self) -> None:
        for site in self.record.calls:
            call, scope = site.node, site.scope
            at = self.position[id(call)]
            func = call.func
            name = attribute_path(func) or ""
            last = func.attr.value if isinstance(func, cst.Attribute) else name
            if last in _WAITERS:
                for arg in call.args:
                    for worker in self._held_by_value(scope, arg.value):
                        worker.joins.append((at, call, False))
                continue
            if not isinstance(func, cst.Attribute):
                continue
            held = self.held_by(scope, func.value)
            if last == "start":
                for worker in held:
                    if worker.started_at is None or at < worker.started_at:
                        worker.started_at = at
            elif last == "join" and call.args and not _is_none(call.args[0].value):
                for worker in held:
                    worker.joins.append((at, call, True))
            elif last in ("join", "result"):
                for worker in held:
                    worker.joins.append((at, call, False))
            elif last in ("terminate", "kill", "cancel"):
                for worker in held:
                    worker.stopped_at.append(at)
            elif last == "shutdown":
                self._join_made_by(self.queues.root(scope, func.value), at, call)
        for scope, awaited, awaited_at in self.record.awaits:
            for worker in self.held_by(scope, awaited.expression):
                worker.joins.append((awaited_at, awaited, False))
        for scope, with_node, exit_at in self.record.with_exits:
            for item in with_node.items:
                if item.asname is not None:
                    self._join_made_by(self.queues.root(scope, item.asname.name), exit_at, with_node)

    def _join_made_by(self, creator: Optional[Identity], at: float, node: cst.CSTNode) -> None:
        if creator is None:
            return
        for worker in self.workers:
            if worker.creator == creator:
                worker.joins.append((at, node, False))


def _is_none(expr: cst.BaseExpression) -> bool:
    return isinstance(expr, cst.Name) and expr.value == "None"


def _method(call: cst.Call) -> Optional[str]:
    return call.func.attr.value if isinstance(call.func, cst.Attribute) else None
