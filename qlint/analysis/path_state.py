"""What the path walk tracks and finds: the abstract state of one iteration, the events
a call can be for one queue, and the findings as nodes to point at."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Iterable, Optional

import libcst as cst

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
    none_names: frozenset[str] = frozenset()  # names assigned None on this path
    suspended: bool = False  # asyncio: the coroutine yielded to the event loop after task_done()
    batch: Optional[str] = None  # the container the items taken went into: it owes them
    batch_many: bool = False  # that container may hold several items


@dataclass
class Flow:
    normal: set[State]
    exits: list[tuple[str, State, cst.CSTNode]] = field(default_factory=list)


# What a path through a consumer loop can do with its item, as events at a node; rules
# pick the kinds they judge (`PathEvents.nodes`).
BACK_UNACKNOWLEDGED = "back-unacknowledged"  # back to the next get (at a continue, or the get) owing the item
USED_AFTER_ACK = "used-after-ack"  # the item used for work after this task_done() (asyncio: after an await)
ACK_AFTER_RAISER = "ack-after-raiser"  # a task_done(), not in a finally, after unprotected code that can raise
ACK_AGAIN = "ack-again"  # a task_done() for an item already acknowledged
JOIN_HOLDING = "join-holding"  # q.join() on the path's own queue while it holds an unacknowledged item
ACK_AFTER_FAILED_GET = "ack-after-failed-get"  # a task_done() where a get took nothing (Empty, a timeout)
ONE_ACK_FOR_BATCH = "one-ack-for-batch"  # one task_done() for a batch that can hold several items


@dataclass(frozen=True)
class PathEvent:
    kind: str
    node: cst.CSTNode
    get: Optional[cst.CSTNode] = None  # BACK_UNACKNOWLEDGED: the get the path started at
    via_exception: bool = False  # BACK_UNACKNOWLEDGED: the path went through an exception handler


@dataclass
class PathEvents:
    """What the walk of one loop saw: its events in the order found, and what it learnt
    of the loop as a whole."""

    events: list[PathEvent] = field(default_factory=list)
    filled: set[str] = field(default_factory=set)  # containers the item was put into (`batch.append(item)`)
    item_handed_out: bool = False  # yielded or returned: its receiver acknowledges it
    queue_handed_out: bool = False  # passed to code qlint cannot see
    saw_task_done: bool = False  # a task_done() or a helper that always calls it
    saw_maybe_task_done: bool = False  # a helper that calls it on some paths

    def add(self, kind: str, node: cst.CSTNode) -> None:
        self.events.append(PathEvent(kind, node))

    def of(self, kind: str) -> list[PathEvent]:
        return [event for event in self.events if event.kind == kind]

    def nodes(self, kind: str) -> list[cst.CSTNode]:
        """The nodes of the events of one kind, each once, in first-seen order."""
        return unique(event.node for event in self.events if event.kind == kind)


def unique(nodes: Iterable[cst.CSTNode]) -> list[cst.CSTNode]:
    """Nodes without repeats, in first-seen order."""
    seen: set[int] = set()
    out = []
    for node in nodes:
        if id(node) not in seen:
            seen.add(id(node))
            out.append(node)
    return out


@dataclass(eq=False)
class Catcher:
    """An enclosing `try` of the walk: the states where an exception may start in its body."""

    raised: list[tuple[State, Optional[str]]] = field(default_factory=list)
    absorbs: bool = False  # a handler catches everything: nothing raised here goes further out
    finally_acknowledges: bool = False


@dataclass(frozen=True)
class WalkContext:
    in_finally: bool = False
    finally_acknowledges: bool = False  # inside a try whose finally calls task_done()
    # Inside a try whose handler catches every exception and keeps it in the iteration
    # (does not re-raise, or acknowledges first): an exception here skips nothing for QL104.
    absorbed: bool = False
    # For each enclosing `try` of the loop: states where an exception may start, and
    # whether that statement gets: None, WAITS (a blocking get) or MAY_FAIL (nowait/timeout).
    accumulators: tuple[Catcher, ...] = ()


def raise_in(ctx: WalkContext, states: Iterable[State], get_kind: Optional[str]) -> None:
    """An exception may start in `states`: it reaches the handlers of the enclosing tries,
    from the innermost out, up to one that catches everything. Past a finally that
    acknowledges, the item is no longer counted."""
    states = list(states)
    for catcher in reversed(ctx.accumulators):
        catcher.raised.extend((s, get_kind) for s in states)
        if catcher.absorbs:
            return
        if catcher.finally_acknowledges:
            states = [replace(s, unknown=True) if s.got == 1 else s for s in states]
