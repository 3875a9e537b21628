"""Paths through a consumer loop, from its `get()` back to the next one.

The walker runs a set of abstract states through the statements of a loop body:
how many items this iteration has taken, how many `task_done()` calls followed, whether
code that can raise ran in between, which names hold the item. States that meet are
merged, so the cost grows with the number of distinct states, not of paths.
A state we can no longer count on (two gets, a helper that acknowledges on some paths
only, the queue handed to unseen code) is marked `unknown` and never reported on.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Callable, Iterable, Optional, Sequence

import libcst as cst

from qlint.analysis.model import StatementSummary, summaries_under
from qlint.analysis.names import blocking_get

MANY = 2  # `got` of a path that took two items: nothing can be counted on it
MAX_STATES = 256

# Events a call can be, for one queue.
GET = "get"
TASK_DONE = "task_done"
HELPER_ALWAYS = "helper-always"  # a same-module function that acknowledges on every path
HELPER_SOMETIMES = "helper-sometimes"
ESCAPE = "escape"  # the queue is handed to code qlint cannot see
JOIN = "join"  # q.join() on the queue itself
WAITS, MAY_FAIL = "waits", "may-fail"  # a blocking get; a get that raises Empty when there is none


class TooComplex(Exception):
    """More distinct states than we are willing to track: say nothing about this loop."""


@dataclass(frozen=True)
class State:
    got: int = 0
    get_node: Optional[cst.CSTNode] = None
    done: int = 0
    first_done: Optional[cst.CSTNode] = None  # the direct task_done() call, if any
    raisable: bool = False  # code that can raise ran after the get, unprotected
    unknown: bool = False
    via_exception: bool = False
    failed_get: bool = False  # in a handler or finally after a get that raised Empty
    tainted: frozenset[str] = frozenset()


@dataclass
class Flow:
    normal: set[State]
    exits: list[tuple[str, State, cst.CSTNode]] = field(default_factory=list)


@dataclass
class PathFindings:
    """What the walk of one loop found, as nodes to point at."""

    # (where the path goes back: continue or get, via an exception?, the get it started at)
    skipped_at: list[tuple[cst.CSTNode, bool, cst.CSTNode]] = field(default_factory=list)
    used_after_done: list[cst.CSTNode] = field(default_factory=list)
    not_in_finally: list[cst.CSTNode] = field(default_factory=list)
    done_twice: list[cst.CSTNode] = field(default_factory=list)
    join_while_holding: list[cst.CSTNode] = field(default_factory=list)  # q.join() before this item's ack
    done_after_failed_get: list[cst.CSTNode] = field(default_factory=list)
    item_handed_out: bool = False  # yielded or returned: its receiver acknowledges it
    queue_handed_out: bool = False  # passed to code qlint cannot see
    saw_task_done: bool = False  # a task_done() or a helper that always calls it
    saw_maybe_task_done: bool = False  # a helper that calls it on some paths


@dataclass(frozen=True)
class _Context:
    in_finally: bool = False
    finally_acknowledges: bool = False  # inside a try whose finally calls task_done()
    # For each enclosing `try` of the loop: states where an exception may start, and
    # whether that statement gets: None, WAITS (a blocking get) or MAY_FAIL (nowait/timeout).
    accumulators: tuple[list[tuple[State, Optional[str]]], ...] = ()


# What the walker needs to know about calls and handlers, from the facts.
Classify = Callable[[cst.Call], Optional[str]]
HandlerKind = Callable[[cst.ExceptHandler], str]  # "empty" | "broad" | "other"


class PathWalker:
    """Runs states through statements for one queue, recording findings."""

    def __init__(
        self,
        summaries: dict[int, StatementSummary],
        classify: Classify,
        handler_kind: HandlerKind,
    ) -> None:
        self.summaries = summaries
        self.classify = classify
        self.handler_kind = handler_kind
        self.findings = PathFindings()

    # -- entry points -----------------------------------------------------------------

    def loop(self, loop: cst.CSTNode, initial: State) -> PathFindings:
        """Walk one iteration of `loop`; report paths that return to the next get."""
        states = {initial}
        if isinstance(loop, cst.While):
            states = self._apply(self.summaries.get(id(loop)), states, _Context(), header=True)
        body = loop.body  # type: ignore[attr-defined]
        flow = self.block(body.body, states, _Context())
        back = [(s, s.get_node) for s in flow.normal]
        back += [(s, node) for kind, s, node in flow.exits if kind == "continue"]
        for state, node in back:
            if state.got == 1 and state.done == 0 and not state.unknown and node is not None:
                self.findings.skipped_at.append((node, state.via_exception, state.get_node))
        return self.findings

    def function(self, body: Sequence[cst.CSTNode]) -> list[State]:
        """End states of a function body entered with an item in hand."""
        flow = self.block(body, {State(got=1)}, _Context())
        ends = list(flow.normal) + [s for kind, s, _ in flow.exits if kind == "return"]
        return ends

    # -- statements ---------------------------------------------------------------------

    def block(self, statements: Sequence[cst.CSTNode], states: set[State], ctx: _Context) -> Flow:
        flow = Flow(normal=states)
        for statement in statements:
            if not flow.normal:
                break
            if len(flow.normal) > MAX_STATES:
                raise TooComplex()
            step = self.statement(statement, flow.normal, ctx)
            flow.normal = step.normal
            flow.exits.extend(step.exits)
        return flow

    def statement(self, node: cst.CSTNode, states: set[State], ctx: _Context) -> Flow:
        if isinstance(node, cst.SimpleStatementLine):
            return self.block(node.body, states, ctx)
        if isinstance(node, cst.BaseSmallStatement):
            return self._small(node, states, ctx)
        if isinstance(node, cst.If):
            return self._if(node, states, ctx)
        if isinstance(node, (cst.For, cst.While)):
            return Flow(self._opaque(node, states, ctx))
        if isinstance(node, (cst.Try, cst.TryStar)):
            return self._try(node, states, ctx)
        if isinstance(node, cst.With):
            states = self._apply(self.summaries.get(id(node)), states, ctx, header=False)
            return self.block(node.body.body, states, ctx)
        if isinstance(node, cst.Match):
            return self._match(node, states, ctx)
        return Flow(states)  # def, class: nothing runs now

    def _small(self, node: cst.BaseSmallStatement, states: set[State], ctx: _Context) -> Flow:
        summary = self.summaries.get(id(node))
        states = self._apply(summary, states, ctx, header=False)
        if isinstance(node, cst.Return) and summary is not None:
            if any(summary.loads & s.tainted for s in states):
                self.findings.item_handed_out = True
        kind = {cst.Continue: "continue", cst.Break: "break", cst.Return: "return", cst.Raise: "raise"}.get(
            type(node)
        )
        if kind is None:
            return Flow(states)
        return Flow(set(), [(kind, s, node) for s in states])

    def _if(self, node: cst.If, states: set[State], ctx: _Context) -> Flow:
        states = self._apply(self.summaries.get(id(node)), states, ctx, header=True)
        body = self.block(node.body.body, states, ctx)
        orelse = node.orelse
        if orelse is None:
            rest = Flow(states)
        elif isinstance(orelse, cst.If):
            rest = self._if(orelse, states, ctx)
        else:
            rest = self.block(orelse.body.body, states, ctx)
        return Flow(body.normal | rest.normal, body.exits + rest.exits)

    def _match(self, node: cst.Match, states: set[State], ctx: _Context) -> Flow:
        states = self._apply(self.summaries.get(id(node)), states, ctx, header=True)
        normal: set[State] = set()
        exits: list[tuple[str, State, cst.CSTNode]] = []
        irrefutable = False
        for case in node.cases:
            entered = self._apply(self.summaries.get(id(case)), states, ctx, header=True)
            flow = self.block(case.body.body, entered, ctx)
            normal |= flow.normal
            exits += flow.exits
            pattern = case.pattern
            if case.guard is None and isinstance(pattern, cst.MatchAs) and pattern.pattern is None:
                irrefutable = True
        if not irrefutable:
            normal |= states
        return Flow(normal, exits)

    def _try(self, node: cst.Try | cst.TryStar, states: set[State], ctx: _Context) -> Flow:
        raised: list[tuple[State, Optional[str]]] = []
        # An exception in the body or a handler runs the finally: if that acknowledges,
        # code that can raise here does not skip the acknowledgement (QL104).
        covering = node.finalbody is not None and self._acknowledges(node.finalbody)
        inner = replace(
            ctx, accumulators=ctx.accumulators + (raised,), finally_acknowledges=ctx.finally_acknowledges or covering
        )
        body = self.block(node.body.body, states, inner)
        normal: set[State] = set()
        exits = list(body.exits)
        covered = False
        for handler in node.handlers:
            kind = self.handler_kind(handler)  # type: ignore[arg-type]
            if kind == "empty":  # no item was taken; with a blocking get it never runs (QL301)
                entry = {replace(s, failed_get=get == MAY_FAIL) for s, get in raised if get}
            else:
                entry = {replace(s, via_exception=True) for s, _ in raised}
            handler_ctx = replace(ctx, finally_acknowledges=inner.finally_acknowledges)
            entry = self._apply(self.summaries.get(id(handler)), entry, handler_ctx, header=True)
            flow = self.block(handler.body.body, entry, handler_ctx)
            normal |= flow.normal
            exits += flow.exits
            if kind == "broad" and (not self._reraises(handler) or self._acknowledges(handler)):
                covered = True
        after_body = body.normal
        if covered:
            after_body = {replace(s, raisable=False) for s in after_body}
            normal = {replace(s, raisable=False) for s in normal}
        if node.orelse is not None:
            orelse = self.block(node.orelse.body.body, after_body, ctx)
            normal |= orelse.normal
            exits += orelse.exits
        else:
            normal |= after_body
        if node.finalbody is None:
            return Flow(normal, exits)
        final_ctx = replace(ctx, in_finally=True)
        statements = node.finalbody.body.body
        # The exception of a get that found nothing also runs the finally (QL105).
        failed = {replace(s, failed_get=True) for s, get in raised if get == MAY_FAIL}
        self.block(statements, failed, final_ctx)
        result = self.block(statements, normal, final_ctx)
        for kind, state, at in exits:
            through = self.block(statements, {state}, final_ctx)
            result.exits.extend((kind, s, at) for s in through.normal)
            result.exits.extend(through.exits)
        return result

    def _reraises(self, handler: cst.CSTNode) -> bool:
        """True if a `raise` statement sits anywhere in the handler."""
        return any(
            isinstance(raiser, cst.Raise) for summary in summaries_under(self.summaries, handler) for raiser in summary.raisers
        )

    def _acknowledges(self, handler: cst.CSTNode) -> bool:
        return any(
            self.classify(call) in (TASK_DONE, HELPER_ALWAYS)
            for summary in summaries_under(self.summaries, handler)
            for call in summary.calls
        )

    # -- nested loops, seen from outside ---------------------------------------------------

    def _opaque(self, node: cst.CSTNode, states: set[State], ctx: _Context) -> set[State]:
        """A nested loop runs 0..n times: keep what it can do, not how often."""
        events: set[str] = set()
        raisers = False
        used: set[str] = set()
        for summary in summaries_under(self.summaries, node):
            for call in summary.calls:
                event = self.classify(call)
                if event == JOIN:
                    self._join(states, call)
                elif event is not None:
                    events.add(event)
            raisers = raisers or bool(self._other_raisers(summary))
            if not (summary.hands_on or summary.yields or summary.returns):
                used |= summary.loads
            if summary.yields:
                self.findings.item_handed_out = True
        if events & {TASK_DONE, HELPER_ALWAYS}:
            self.findings.saw_task_done = True
        if HELPER_SOMETIMES in events:
            self.findings.saw_maybe_task_done = True
        if ESCAPE in events:
            self.findings.queue_handed_out = True
        if raisers or GET in events:
            for accumulator in ctx.accumulators:
                accumulator.extend((s, WAITS if GET in events else None) for s in states)
        result = set()
        for state in states:
            if state.done >= 1 and state.got == 1 and not state.unknown and used & state.tainted:
                if state.first_done is not None:
                    self.findings.used_after_done.append(state.first_done)
            if events:
                state = replace(state, unknown=True)
            elif raisers and not ctx.finally_acknowledges and state.got == 1 and state.done == 0:
                state = replace(state, raisable=True)
            result.add(state)
        return result | states if not events else result

    # -- one statement's effect ------------------------------------------------------------

    def _other_raisers(self, summary: StatementSummary) -> list[cst.CSTNode]:
        """What can raise in a statement, besides this queue's own get/task_done."""
        own: set[int] = set()
        for call in summary.calls:
            if self.classify(call) in (GET, TASK_DONE):
                own.add(id(call))
        out = []
        for raiser in summary.raisers:
            if id(raiser) in own:
                continue
            if isinstance(raiser, cst.Await) and id(raiser.expression) in own:
                continue
            out.append(raiser)
        return out

    def _apply(
        self, summary: Optional[StatementSummary], states: set[State], ctx: _Context, header: bool
    ) -> set[State]:
        if summary is None or not states:
            return states
        events = [(e, c) for c in summary.calls if (e := self.classify(c)) is not None]
        has_get = any(e == GET for e, _ in events)
        raisers = self._other_raisers(summary)
        if raisers or has_get:
            get_kind = None
            if has_get:
                failing = any(e == GET and not blocking_get(c) for e, c in events)
                get_kind = MAY_FAIL if failing else WAITS
            for accumulator in ctx.accumulators:
                accumulator.extend((s, get_kind) for s in states)
        if summary.yields:
            self.findings.item_handed_out = True
        # Handing the item on (yield, return, print, collect) is not processing it.
        counts_as_use = not (summary.hands_on or summary.yields or summary.returns) and not (header and not raisers)
        result = set()
        for state in states:
            if (
                counts_as_use
                and state.done >= 1
                and state.got == 1
                and not state.unknown
                and state.first_done is not None
                and summary.loads & state.tainted
            ):
                self.findings.used_after_done.append(state.first_done)
            unprotected = raisers and not ctx.finally_acknowledges
            if unprotected and not has_get and state.got == 1 and state.done == 0:
                state = replace(state, raisable=True)
            for event, call in events:
                state = self._event(state, event, call, ctx, summary)
            if unprotected and has_get and state.got == 1 and state.done == 0:
                state = replace(state, raisable=True)
            if not has_get and summary.stores:
                if summary.loads & state.tainted:
                    state = replace(state, tainted=state.tainted | summary.stores)
                elif summary.stores & state.tainted:
                    state = replace(state, tainted=state.tainted - summary.stores)
            result.add(state)
        return result

    def _join(self, states: Iterable[State], call: cst.Call) -> None:
        if any(s.got == 1 and s.done == 0 and not s.unknown for s in states):
            self.findings.join_while_holding.append(call)

    def _event(
        self, state: State, event: str, call: cst.Call, ctx: _Context, summary: StatementSummary
    ) -> State:
        if event == JOIN:
            self._join([state], call)
            return state
        if event == GET:
            if state.got == 0 and not state.unknown:
                return replace(
                    state, got=1, get_node=call, done=0, first_done=None, raisable=False,
                    failed_get=False, tainted=frozenset(summary.stores),
                )
            return replace(state, got=MANY, unknown=True)
        if event in (ESCAPE, HELPER_SOMETIMES):
            self.findings.saw_maybe_task_done |= event == HELPER_SOMETIMES
            self.findings.queue_handed_out |= event == ESCAPE
            return replace(state, unknown=True)
        self.findings.saw_task_done = True
        if state.unknown:
            return state
        if state.got != 1:
            if state.failed_get and event == TASK_DONE:
                self.findings.done_after_failed_get.append(call)
            return replace(state, unknown=True)
        if event == HELPER_ALWAYS:
            if state.done:
                return replace(state, unknown=True)
            return replace(state, done=1, first_done=None)
        if state.done == 0:
            if state.raisable and not ctx.in_finally:
                self.findings.not_in_finally.append(call)
            return replace(state, done=1, first_done=call)
        self.findings.done_twice.append(call)
        return replace(state, done=2)


def unique(nodes: Iterable[cst.CSTNode]) -> list[cst.CSTNode]:
    """Nodes without repeats, in first-seen order."""
    seen: set[int] = set()
    out = []
    for node in nodes:
        if id(node) not in seen:
            seen.add(id(node))
            out.append(node)
    return out
