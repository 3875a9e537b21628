"""A loop nested in a consumer loop, seen from outside: it runs 0..n times, so the walk
keeps what it can do, not how often; a loop that fills or acknowledges a batch is read
as such."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Optional

import libcst as cst

from qlint.analysis.model import summaries_under
from qlint.analysis.path_state import (
    ACK_AGAIN,
    ESCAPE,
    GET,
    HELPER_ALWAYS,
    HELPER_SOMETIMES,
    JOIN,
    TASK_DONE,
    USED_AFTER_ACK,
    WAITS,
    State,
    WalkContext,
    raise_in,
)
from qlint.analysis.queue_events import note_join
from qlint.analysis.statement_shapes import iterates

if TYPE_CHECKING:
    from qlint.analysis.paths import PathWalker


def opaque(walker: PathWalker, node: cst.CSTNode, states: set[State], ctx: WalkContext) -> set[State]:
    """A nested loop runs 0..n times: keep what it can do, not how often."""
    events: set[str] = set()
    raisers = False
    used: set[str] = set()
    for summary in summaries_under(walker.summaries, node):
        for call in summary.calls:
            event = walker.classify(call)
            if event == JOIN:
                note_join(walker.findings, states, call)
            elif event is not None:
                events.add(event)
        raisers = raisers or bool(walker._other_raisers(summary))
        if not (summary.hands_on or summary.yields or summary.returns):
            used |= summary.loads
        if summary.yields:
            walker.findings.item_handed_out = True
    if events & {TASK_DONE, HELPER_ALWAYS}:
        walker.findings.saw_task_done = True
    if HELPER_SOMETIMES in events:
        walker.findings.saw_maybe_task_done = True
    if ESCAPE in events:
        walker.findings.queue_handed_out = True
    if raisers or GET in events:
        raise_in(ctx, states, WAITS if GET in events else None)
    batch_events = batch_loop(walker, node, events, states)
    if batch_events is not None:
        return batch_events
    result = set()
    awaits = walker.is_async and any(
        isinstance(r, cst.Await) for summary in summaries_under(walker.summaries, node) for r in summary.raisers
    )
    for state in states:
        if (
            state.done >= 1 and state.got == 1 and not state.unknown and used & state.tainted
            and (state.suspended or awaits or not walker.is_async)
        ):
            if state.first_done is not None:
                walker.findings.add(USED_AFTER_ACK, state.first_done)
        if events:
            state = replace(state, unknown=True)
        elif raisers and not (ctx.finally_acknowledges or ctx.absorbed) and state.got == 1 and state.done == 0:
            state = replace(state, raisable=True)
        result.add(state)
    return result | states if not events else result

def batch_loop(walker: PathWalker, node: cst.CSTNode, events: set[str], states: set[State]) -> Optional[set[State]]:
    """A nested loop that fills the batch (`batch.append(q.get_nowait())`) or
    acknowledges it (`for _ in batch: q.task_done()`); None for any other loop."""
    batches = {s.batch for s in states if s.batch and not s.unknown and s.got == 1}
    if len(batches) != 1 or not events or not events <= {GET, TASK_DONE}:
        return None
    (batch,) = batches
    calls = [c for summary in summaries_under(walker.summaries, node) for c in summary.calls]
    if events == {GET}:
        containers = {
            summary.collected.get(id(c))
            for summary in summaries_under(walker.summaries, node)
            for c in summary.calls
            if walker.classify(c) == GET
        }
        if containers != {batch}:
            return None
        return {replace(s, batch_many=True) if s.batch == batch else s for s in states}
    if events == {TASK_DONE} and iterates(node, batch):
        done = next(c for c in calls if walker.classify(c) == TASK_DONE)
        result = set()
        for state in states:
            if state.batch == batch and state.done >= 1:
                walker.findings.add(ACK_AGAIN, done)
            result.add(replace(state, done=state.done + 1, first_done=None) if state.batch == batch else state)
        walker.findings.saw_task_done = True
        return result
    return None
