"""The queue classes qlint knows: one row per class, and every rule reads them from here.

A row says what matters about a class for the protocol: its family (blocking threads,
processes, an event loop, or no `task_done`/`join` at all), whether its `get`/`put`/
`join` are coroutines that do nothing unless awaited, whether its `join` takes a
timeout, which exceptions it raises when empty or full, and the attributes that hold
another face of it (`janus.Queue().sync_q`). Users add rows in `[tool.qlint.queue-classes]`;
the flat `extra-queue-classes` list is a shorthand. This module imports no LibCST: the
prefilter reads it too.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, replace
from typing import Iterable

# Families of queue.
THREAD = "thread"  # queue.Queue and friends: blocking calls
PROCESS = "process"  # multiprocessing.JoinableQueue
ASYNCIO = "asyncio"  # an event loop's queue
NOT_JOINABLE = "not-joinable"  # no task_done()/join(): queue.SimpleQueue, multiprocessing.Queue

_QUEUE = ("queue.Empty",), ("queue.Full",)
_ASYNC = ("asyncio.QueueEmpty", "asyncio.queues.QueueEmpty"), ("asyncio.QueueFull", "asyncio.queues.QueueFull")


@dataclass(frozen=True)
class QueueClass:
    """What qlint knows of one queue class."""

    family: str
    awaited: bool = False  # get/put/join are coroutines: not awaited, they never run
    join_timeout: bool = False  # join(timeout) is part of its API (no QL201)
    empty: tuple[str, ...] = _QUEUE[0]  # what get_nowait() raises, as dotted names
    full: tuple[str, ...] = _QUEUE[1]
    faces: tuple[tuple[str, str], ...] = ()  # (attribute, class name of that face)

    @property
    def joinable(self) -> bool:
        return self.family != NOT_JOINABLE


# A row of each family, the other traits given by keyword (type-checked against QueueClass).
_thread = functools.partial(QueueClass, THREAD)
_asyncio = functools.partial(QueueClass, ASYNCIO, awaited=True, empty=_ASYNC[0], full=_ASYNC[1])
_not_joinable = functools.partial(QueueClass, NOT_JOINABLE)


_GEVENT = ("gevent.queue.Empty", "queue.Empty"), ("gevent.queue.Full", "queue.Full")
_EVENTLET = ("eventlet.queue.Empty", "queue.Empty"), ("eventlet.queue.Full", "queue.Full")
_TORNADO = ("tornado.queues.QueueEmpty",), ("tornado.queues.QueueFull",)

BUILTIN: dict[str, QueueClass] = {
    "queue.Queue": _thread(),
    "queue.LifoQueue": _thread(),
    "queue.PriorityQueue": _thread(),
    "queue.SimpleQueue": _not_joinable(),
    "asyncio.Queue": _asyncio(),
    "asyncio.LifoQueue": _asyncio(),
    "asyncio.PriorityQueue": _asyncio(),
    "asyncio.queues.Queue": _asyncio(),
    "asyncio.queues.LifoQueue": _asyncio(),
    "asyncio.queues.PriorityQueue": _asyncio(),
    "multiprocessing.JoinableQueue": QueueClass(PROCESS),
    "multiprocessing.queues.JoinableQueue": QueueClass(PROCESS),
    "multiprocessing.Queue": _not_joinable(),
    "multiprocessing.queues.Queue": _not_joinable(),
    "multiprocessing.SimpleQueue": _not_joinable(),
    "multiprocessing.queues.SimpleQueue": _not_joinable(),
    "multiprocessing.dummy.Queue": _thread(),
    # A manager's Queue and JoinableQueue are both proxies of queue.Queue (CPython's
    # managers.py registers queue.Queue for each), so both have task_done() and join().
    "multiprocessing.Manager().Queue": _thread(),
    "multiprocessing.Manager().JoinableQueue": _thread(),
    "multiprocessing.managers.SyncManager().Queue": _thread(),
    "multiprocessing.managers.SyncManager().JoinableQueue": _thread(),
    # gevent: Queue is JoinableQueue (since gevent 1.5), whose join() takes a timeout;
    # SimpleQueue counts no tasks. Its Empty and Full are queue's.
    "gevent.queue.Queue": _thread(join_timeout=True, empty=_GEVENT[0], full=_GEVENT[1]),
    "gevent.queue.JoinableQueue": _thread(join_timeout=True, empty=_GEVENT[0], full=_GEVENT[1]),
    "gevent.queue.SimpleQueue": _not_joinable(empty=_GEVENT[0], full=_GEVENT[1]),
    # eventlet: LightQueue has no task_done(); Queue does.
    "eventlet.queue.LightQueue": _not_joinable(empty=_EVENTLET[0], full=_EVENTLET[1]),
    "eventlet.queue.Queue": _thread(empty=_EVENTLET[0], full=_EVENTLET[1]),
    # tornado: get/put/join return futures (put of an unbounded queue happens at once, and
    # an unawaited future still runs), and join(timeout) is its API.
    "tornado.queues.Queue": QueueClass(ASYNCIO, join_timeout=True, empty=_TORNADO[0], full=_TORNADO[1]),
    "tornado.queues.LifoQueue": QueueClass(ASYNCIO, join_timeout=True, empty=_TORNADO[0], full=_TORNADO[1]),
    "tornado.queues.PriorityQueue": QueueClass(ASYNCIO, join_timeout=True, empty=_TORNADO[0], full=_TORNADO[1]),
    # janus: one counter, two faces; the Queue itself has neither get() nor join(). Its
    # faces raise queue.Empty (sync_q) and asyncio.QueueEmpty (async_q).
    "janus.Queue": _not_joinable(faces=(("sync_q", "janus.SyncQueue"), ("async_q", "janus.AsyncQueue"))),
    "janus.SyncQueue": _thread(),
    "janus.AsyncQueue": _asyncio(),
}

# `extra-queue-classes`: a joinable queue of unknown family, whose exceptions and join()
# arguments qlint does not judge.
EXTRA = QueueClass(THREAD, join_timeout=True, empty=(), full=())


def like(name: str, join_timeout: bool | None = None) -> QueueClass:
    """A user's row: the row of the class it is like, with its own join timeout if given."""
    row = BUILTIN[name]
    return row if join_timeout is None else replace(row, join_timeout=join_timeout)


@functools.lru_cache(maxsize=32)
def rows(
    extra: tuple[str, ...] = (), user: tuple[tuple[str, str, bool | None], ...] = ()
) -> dict[str, QueueClass]:
    """Every row for a run: the built-in ones, `extra-queue-classes`, and the
    `[tool.qlint.queue-classes]` table as (name, like, join-timeout) triples."""
    table = dict(BUILTIN)
    for name in extra:
        table.setdefault(name, EXTRA)
    for name, base, join_timeout in user:
        table[name] = like(base, join_timeout)
    return table


def awaited_modules() -> frozenset[str]:
    """The modules of the built-in classes whose calls must be awaited (or whose faces'):
    a text that names none of them cannot hold such a queue, unless the user adds one."""
    return frozenset(
        name.split(".", 1)[0]
        for name, row in BUILTIN.items()
        if row.awaited or any(BUILTIN[face].awaited for _, face in row.faces)
    )


def empty_exceptions() -> frozenset[str]:
    """Every Empty exception of a known class, by dotted name."""
    return frozenset(name for row in BUILTIN.values() for name in row.empty)


def exceptions() -> frozenset[str]:
    """Every Empty and Full exception of a known class, by dotted name."""
    return frozenset(name for row in BUILTIN.values() for name in row.empty + row.full)


def last_names(names: Iterable[str]) -> frozenset[str]:
    """`Queue` for `queue.Queue`: what a class is called where it is used."""
    return frozenset(name.rsplit(".", 1)[-1] for name in names)


# -- The vocabulary the prefilter (on CPython's tree) and the analysis (on LibCST's) share:
# one spelling of each list, so a name added for one is seen by the other.

# Methods that only queues have (README.md, "What counts as a queue").
QUEUE_ONLY_METHODS = frozenset({"task_done", "put_nowait", "get_nowait", "qsize"})
# Every method of the protocol a rule looks at.
QUEUE_METHODS = QUEUE_ONLY_METHODS | {"get", "put", "join"}
# Classes whose instances are workers, by dotted name, and the kind of worker each makes.
THREAD_CLASSES = {
    "threading.Thread": "thread",
    "multiprocessing.Process": "process",
    "multiprocessing.dummy.Process": "thread",
}
# Functions that make an asyncio task of a coroutine (a task group's or a loop's
# `create_task` method makes one too).
TASK_FACTORIES = frozenset({"asyncio.create_task", "asyncio.ensure_future"})
# Calls that hand a function and its arguments to something that will call it: the
# index, among the positional arguments, of the function.
SUBMITTERS = {
    "submit": 0, "to_thread": 0, "partial": 0, "run_in_executor": 1, "start_new_thread": 0,
    "call_soon": 0, "call_soon_threadsafe": 0, "call_later": 1, "add_done_callback": 0,
}
# The words that start a thread or a process where they are used.
THREAD_MAKERS = last_names(THREAD_CLASSES)
# The words that start a thread, a process or a task: the classes, the task factories (and
# any `create_task` method), an executor's `submit`.
WORKER_MAKERS = THREAD_MAKERS | last_names(TASK_FACTORIES) | {"create_task", "submit"}
# What an `except` clause names when it catches every exception ("" is a bare `except:`).
BROAD_EXCEPTIONS = frozenset({"", "Exception", "BaseException", "builtins.Exception", "builtins.BaseException"})
# What a get with a time limit raises when it takes nothing (besides Empty).
TIMEOUT_EXCEPTIONS = frozenset(
    {
        "TimeoutError", "builtins.TimeoutError", "asyncio.TimeoutError", "asyncio.exceptions.TimeoutError",
        "concurrent.futures.TimeoutError", "asyncio.CancelledError", "asyncio.exceptions.CancelledError",
    }
)
# Attributes a hand-written join() reads: `with q.all_tasks_done: while q.unfinished_tasks: ...`.
WAIT_ATTRIBUTES = frozenset({"all_tasks_done", "unfinished_tasks", "_unfinished_tasks", "_finished"})
