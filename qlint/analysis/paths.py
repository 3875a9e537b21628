"""Paths through a consumer loop, from its `get()` back to the next one.

The walker runs a set of abstract states through the statements of a loop body:
how many items this iteration has taken, how many `task_done()` calls followed, whether
code that can raise ran in between, which names hold the item. States that meet are
merged, so the cost grows with the number of distinct states, not of paths.
A state we can no longer count on (two gets, a helper that acknowledges on some paths
only, the queue handed to unseen code) is marked `unknown` and never reported on.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Callable, Optional, Sequence

import libcst as cst

from qlint.analysis.model import StatementSummary, summaries_under
from qlint.analysis.names import blocking_get
from qlint.analysis.nested_loops import opaque
from qlint.analysis.path_state import (
    BACK_UNACKNOWLEDGED,
    GET,
    HELPER_ALWAYS,
    MAX_STATES,
    MAY_FAIL,
    TASK_DONE,
    USED_AFTER_ACK,
    WAITS,
    Catcher,
    Flow,
    PathEvent,
    PathEvents,
    State,
    TooComplex,
    WalkContext,
    raise_in,
)
from qlint.analysis.queue_events import state_after
from qlint.analysis.statement_shapes import filled_containers, get_wrappers, none_test, suppressed_exceptions

# What the walker needs to know about calls and handlers, from the facts.
Classify = Callable[[cst.Call], Optional[str]]
HandlerKind = Callable[[Optional[cst.BaseExpression]], str]  # "empty" | "timeout" | "broad" | "other"
Quiet = Callable[[cst.Call], bool]  # a call that does not raise in practice (analysis/raising.py)


class PathWalker:
    """Runs states through statements for one queue, recording findings."""

    def __init__(
        self,
        summaries: dict[int, StatementSummary],
        classify: Classify,
        handler_kind: HandlerKind,
        quiet: Quiet = lambda call: False,
        is_async: bool = False,
    ) -> None:
        self.summaries = summaries
        self.classify = classify
        self.handler_kind = handler_kind
        self.quiet = quiet
        # With asyncio, join() sees an early task_done() only once the consumer awaits.
        self.is_async = is_async
        # Names a failed get sets to None (`except Empty: msg = None`): None there means "no item".
        self.no_item_names: set[str] = set()
        self.findings = PathEvents()

    # -- entry points -----------------------------------------------------------------

    def loop(self, loop: cst.CSTNode, initial: State) -> PathEvents:
        """Walk one iteration of `loop`; report paths that return to the next get."""
        states = {initial}
        if isinstance(loop, cst.While):
            states = self._apply(self.summaries.get(id(loop)), states, WalkContext(), header=True)
        body = loop.body  # type: ignore[attr-defined]  # a For or While: libcst has no common base with `body`
        flow = self.block(body.body, states, WalkContext())
        back = [(s, s.get_node) for s in flow.normal]
        back += [(s, node) for kind, s, node in flow.exits if kind == "continue"]
        for state, node in back:
            # A batch's container carries its items into the next iteration.
            get = state.get_node  # set with got == 1
            if state.got == 1 and state.done == 0 and not state.unknown and state.batch is None and node is not None:
                if get is None:
                    continue
                self.findings.events.append(PathEvent(BACK_UNACKNOWLEDGED, node, get, state.via_exception))
        return self.findings

    def function(self, body: Sequence[cst.CSTNode]) -> list[State]:
        """End states of a function body entered with an item in hand."""
        flow = self.block(body, {State(got=1)}, WalkContext())
        ends = list(flow.normal) + [s for kind, s, _ in flow.exits if kind == "return"]
        return ends

    # -- statements ---------------------------------------------------------------------

    def block(self, statements: Sequence[cst.CSTNode], states: set[State], ctx: WalkContext) -> Flow:
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

    def statement(self, node: cst.CSTNode, states: set[State], ctx: WalkContext) -> Flow:
        if isinstance(node, cst.SimpleStatementLine):
            return self.block(node.body, states, ctx)
        if isinstance(node, cst.BaseSmallStatement):
            return self._small(node, states, ctx)
        if isinstance(node, cst.If):
            return self._if(node, states, ctx)
        if isinstance(node, (cst.For, cst.While)):
            return Flow(opaque(self, node, states, ctx))
        if isinstance(node, (cst.Try, cst.TryStar)):
            return self._try(node, states, ctx)
        if isinstance(node, cst.With):
            states = self._apply(self.summaries.get(id(node)), states, ctx, header=False)
            caught = suppressed_exceptions(node)
            suppressed = None if caught is None else self.handler_kind(caught)
            if suppressed is None:
                return self.block(node.body.body, states, ctx)
            # `with suppress(Empty): item = q.get_nowait()`: a failed get goes on after the block.
            catcher = Catcher(absorbs=suppressed == "broad")
            flow = self.block(node.body.body, states, replace(ctx, accumulators=ctx.accumulators + (catcher,)))
            if suppressed in ("empty", "timeout"):
                flow.normal |= {replace(s, failed_get=True) for s, get in catcher.raised if get == MAY_FAIL}
            elif suppressed == "broad":
                flow.normal |= {replace(s, via_exception=True) for s, _ in catcher.raised}
            return flow
        if isinstance(node, cst.Match):
            return self._match(node, states, ctx)
        return Flow(states)  # def, class: nothing runs now

    def _small(self, node: cst.BaseSmallStatement, states: set[State], ctx: WalkContext) -> Flow:
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

    def _if(self, node: cst.If, states: set[State], ctx: WalkContext) -> Flow:
        states = self._apply(self.summaries.get(id(node)), states, ctx, header=True)
        taken, skipped = self._split_on_none(node.test, states)
        body = self.block(node.body.body, taken, ctx)
        orelse = node.orelse
        if orelse is None:
            rest = Flow(skipped)
        elif isinstance(orelse, cst.If):
            rest = self._if(orelse, skipped, ctx)
        else:
            rest = self.block(orelse.body.body, skipped, ctx)
        return Flow(body.normal | rest.normal, body.exits + rest.exits)

    def _split_on_none(self, test: cst.BaseExpression, states: set[State]) -> tuple[set[State], set[State]]:
        """The states that enter an `if` and those that skip it, where the test asks whether
        a name is None: known on a path that set it to None, and the item is not None where
        a failed get's path uses None to mean "no item"."""
        tested = none_test(test)
        if tested is None:
            return states, states
        name, runs_when_none = tested
        taken, skipped = set(), set()
        for state in states:
            if name in state.none_names:
                is_none: Optional[bool] = True
            elif name in self.no_item_names and name in state.tainted and state.got == 1:
                is_none = False
            else:
                is_none = None
            if is_none is None or is_none == runs_when_none:
                taken.add(state)
            if is_none is None or is_none != runs_when_none:
                skipped.add(state)
        return taken, skipped

    def _match(self, node: cst.Match, states: set[State], ctx: WalkContext) -> Flow:
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

    def _try(self, node: cst.Try | cst.TryStar, states: set[State], ctx: WalkContext) -> Flow:
        raised: list[tuple[State, Optional[str]]] = []
        # An exception in the body or a handler runs the finally: if that acknowledges,
        # code that can raise here does not skip the acknowledgement (QL104).
        covering = node.finalbody is not None and self._acknowledges(node.finalbody)
        handlers: Sequence[cst.ExceptHandler | cst.ExceptStarHandler] = node.handlers
        kinds = [self.handler_kind(handler.type) for handler in handlers]
        absorbs = any(
            kind == "broad" and (not self._reraises(handler) or self._acknowledges(handler))
            for kind, handler in zip(kinds, handlers)
        )
        inner = replace(
            ctx,
            accumulators=ctx.accumulators + (Catcher(raised, absorbs, covering),),
            finally_acknowledges=ctx.finally_acknowledges or covering,
            absorbed=ctx.absorbed or absorbs,
        )
        body = self.block(node.body.body, states, inner)
        normal: set[State] = set()
        exits = list(body.exits)
        for kind, handler in zip(kinds, handlers):
            if kind == "empty":  # no item was taken; with a blocking get it never runs (QL301)
                entry = {replace(s, failed_get=get == MAY_FAIL) for s, get in raised if get}
            elif kind == "timeout":  # a timed-out get took nothing; a timed-out processing did
                entry = {replace(s, failed_get=True) if get else replace(s, via_exception=True) for s, get in raised}
            else:
                entry = {replace(s, via_exception=True) for s, _ in raised}
            # Code in a handler that catches everything reports the error: it is taken not to raise.
            handler_ctx = replace(ctx, finally_acknowledges=inner.finally_acknowledges, absorbed=inner.absorbed)
            entry = self._apply(self.summaries.get(id(handler)), entry, handler_ctx, header=True)
            flow = self.block(handler.body.body, entry, handler_ctx)
            normal |= flow.normal
            exits += flow.exits
        after_body = body.normal
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

    # -- one statement's effect ------------------------------------------------------------

    def _other_raisers(self, summary: StatementSummary) -> list[cst.CSTNode]:
        """What can raise in a statement, besides this queue's own get/task_done."""
        own: set[int] = set()
        for call in summary.calls:
            if self.classify(call) in (GET, TASK_DONE):
                own.add(id(call))
        own |= get_wrappers(summary, own)
        out = []
        for raiser in summary.raisers:
            if id(raiser) in own or self._is_quiet(raiser):
                continue
            if isinstance(raiser, cst.Await) and (id(raiser.expression) in own or self._is_quiet(raiser.expression)):
                continue
            if isinstance(raiser, cst.Yield) and id(raiser.value) in own:
                continue  # `item = yield q.get()`: a coroutine of tornado's kind awaiting the get
            out.append(raiser)
        return out

    def _is_quiet(self, node: cst.CSTNode) -> bool:
        return isinstance(node, cst.Call) and self.quiet(node)

    def _apply(
        self, summary: Optional[StatementSummary], states: set[State], ctx: WalkContext, header: bool
    ) -> set[State]:
        if summary is None or not states:
            return states
        events = [(e, c) for c in summary.calls if (e := self.classify(c)) is not None]
        has_get = any(e == GET for e, _ in events)
        raisers = self._other_raisers(summary)
        if raisers or has_get:
            get_kind = None
            if has_get:
                wrapped = get_wrappers(summary, {id(c) for e, c in events if e == GET})
                failing = bool(wrapped) or any(e == GET and not blocking_get(c) for e, c in events)
                get_kind = MAY_FAIL if failing else WAITS
            raise_in(ctx, states, get_kind)
        if summary.yields:
            self.findings.item_handed_out = True
        if any(s.got == 1 and summary.loads & s.tainted for s in states):
            self.findings.filled |= filled_containers(summary)
        # Handing the item on (yield, return, print, collect) is not processing it.
        counts_as_use = not (summary.hands_on or summary.yields or summary.returns) and not (header and not raisers)
        awaits = self.is_async and any(isinstance(r, cst.Await) for r in summary.raisers)
        result = set()
        for state in states:
            if (
                counts_as_use
                and (state.suspended or awaits or not self.is_async)
                and state.done >= 1
                and state.got == 1
                and not state.unknown
                and state.first_done is not None
                and summary.loads & state.tainted
            ):
                self.findings.add(USED_AFTER_ACK, state.first_done)
            unprotected = raisers and not (ctx.finally_acknowledges or ctx.absorbed)
            if unprotected and not has_get and state.got == 1 and state.done == 0:
                state = replace(state, raisable=True)
            for event, call in events:
                state = state_after(self.findings, state, event, call, ctx, summary)
            if unprotected and has_get and state.got == 1 and state.done == 0:
                state = replace(state, raisable=True)
            if not has_get and state.batch in summary.stores:
                # The container is bound anew: what it held is no longer counted.
                state = replace(state, batch=None, batch_many=False, unknown=state.unknown or state.done == 0)
            if not has_get and summary.stores:
                if summary.loads & state.tainted:
                    state = replace(state, tainted=state.tainted | summary.stores)
                elif summary.stores & state.tainted:
                    state = replace(state, tainted=state.tainted - summary.stores)
            if summary.stores and (state.none_names or summary.none_stores):
                state = replace(state, none_names=(state.none_names - summary.stores) | summary.none_stores)
                if state.failed_get:
                    self.no_item_names |= summary.none_stores
            if awaits and state.done >= 1 and not state.suspended:
                state = replace(state, suspended=True)
            result.add(state)
        return result
