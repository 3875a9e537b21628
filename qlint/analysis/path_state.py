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
    batch_acked_once: list[cst.CSTNode] = field(default_factory=list)  # one task_done() for several items
    filled: set[str] = field(default_factory=set)  # containers the item was put into (`batch.append(item)`)
    item_handed_out: bool = False  # yielded or returned: its receiver acknowledges it
    queue_handed_out: bool = False  # passed to code qlint cannot see
    saw_task_done: bool = False  # a task_done() or a helper that always calls it
    saw_maybe_task_done: bool = False  # a helper that calls it on some paths


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
