"""Queue events: what one get, task_done, join or hand-out does to a path's state.

paths.py decides where states go (branches, loops, try statements); this module holds
the one step that is the same wherever it happens: the state after one of this queue's
events in a statement, and the finding it shows. It is separate because it is a pure
transition on `State`, needing nothing of the walker but the findings it records into.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Iterable

import libcst as cst

from qlint.analysis.model import StatementSummary
from qlint.analysis.path_state import (
    ACK_AFTER_FAILED_GET,
    ACK_AFTER_RAISER,
    ACK_AGAIN,
    ESCAPE,
    GET,
    HELPER_ALWAYS,
    HELPER_SOMETIMES,
    JOIN,
    JOIN_HOLDING,
    MANY,
    ONE_ACK_FOR_BATCH,
    TASK_DONE,
    PathEvents,
    State,
    WalkContext,
)


def note_join(findings: PathEvents, states: Iterable[State], call: cst.Call) -> None:
    """A join() while a state holds an item not yet acknowledged: it would wait on that item."""
    if any(s.got == 1 and s.done == 0 and not s.unknown for s in states):
        findings.add(JOIN_HOLDING, call)


def state_after(
    findings: PathEvents, state: State, event: str, call: cst.Call, ctx: WalkContext, summary: StatementSummary
) -> State:
    """The state after one of this queue's events in a statement (a get, a task_done, a
    join, the queue handed out), recording what it shows into `findings`."""
    if event == JOIN:
        note_join(findings, [state], call)
        return state
    if event == GET:
        container = summary.collected.get(id(call))  # a batch: its container owes the items
        if state.got == 0 and not state.unknown:
            return replace(
                state, got=1, get_node=call, done=0, first_done=None, raisable=False,
                failed_get=False, tainted=frozenset(summary.stores), suspended=False,
                none_names=state.none_names - summary.stores,
                batch=container or None, batch_many=False, unknown=container == "",
            )
        if container and state.batch == container and not state.unknown:
            return replace(state, batch_many=True)
        return replace(state, got=MANY, unknown=True)
    if event in (ESCAPE, HELPER_SOMETIMES):
        findings.saw_maybe_task_done |= event == HELPER_SOMETIMES
        findings.queue_handed_out |= event == ESCAPE
        return replace(state, unknown=True)
    findings.saw_task_done = True
    if state.unknown:
        return state
    if state.got != 1:
        if state.failed_get and event == TASK_DONE:
            findings.add(ACK_AFTER_FAILED_GET, call)
        return replace(state, unknown=True)
    if event == HELPER_ALWAYS:
        if state.done:
            return replace(state, unknown=True)
        return replace(state, done=1, first_done=None)
    if state.done == 0:
        if state.raisable and not ctx.in_finally and state.batch is None:
            findings.add(ACK_AFTER_RAISER, call)
        if state.batch_many:
            findings.add(ONE_ACK_FOR_BATCH, call)
        return replace(state, done=1, first_done=call)
    findings.add(ACK_AGAIN, call)
    return replace(state, done=2)
