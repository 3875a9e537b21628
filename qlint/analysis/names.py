"""Dotted names of expressions, and which dotted names build which kind of queue.

qlint never imports the code it reads, so "is this a `queue.Queue`?" is answered by
following import aliases in the text: `import queue as q_mod` makes `q_mod.Queue`
mean `queue.Queue`.
"""

from __future__ import annotations

from typing import Optional

import libcst as cst

# Kinds of queue (README.md, "What counts as a queue").
THREAD = "thread"  # queue.Queue and friends, Manager().Queue()
PROCESS = "process"  # multiprocessing.JoinableQueue
ASYNCIO = "asyncio"  # asyncio.Queue and friends
NOT_JOINABLE = "not-joinable"  # queue.SimpleQueue, multiprocessing.Queue / SimpleQueue
EXTRA = "extra"  # a class named in `extra-queue-classes`

JOINABLE_KINDS = frozenset({THREAD, PROCESS, ASYNCIO, EXTRA})

QUEUE_CLASSES: dict[str, str] = {
    "queue.Queue": THREAD,
    "queue.LifoQueue": THREAD,
    "queue.PriorityQueue": THREAD,
    "queue.SimpleQueue": NOT_JOINABLE,
    "asyncio.Queue": ASYNCIO,
    "asyncio.LifoQueue": ASYNCIO,
    "asyncio.PriorityQueue": ASYNCIO,
    "asyncio.queues.Queue": ASYNCIO,
    "asyncio.queues.LifoQueue": ASYNCIO,
    "asyncio.queues.PriorityQueue": ASYNCIO,
    "multiprocessing.JoinableQueue": PROCESS,
    "multiprocessing.queues.JoinableQueue": PROCESS,
    "multiprocessing.Queue": NOT_JOINABLE,
    "multiprocessing.queues.Queue": NOT_JOINABLE,
    "multiprocessing.SimpleQueue": NOT_JOINABLE,
    "multiprocessing.queues.SimpleQueue": NOT_JOINABLE,
    "multiprocessing.dummy.Queue": THREAD,
    # A manager's queues are proxies of queue.Queue.
    "multiprocessing.Manager().Queue": THREAD,
    "multiprocessing.Manager().JoinableQueue": THREAD,
    "multiprocessing.managers.SyncManager().Queue": THREAD,
    "multiprocessing.managers.SyncManager().JoinableQueue": THREAD,
}

# Names whose call result is a factory of queues: `ctx = mp.get_context()`.
FACTORY_CALLS = frozenset(
    {
        "multiprocessing.get_context()",
        "multiprocessing.Manager()",
        "multiprocessing.managers.SyncManager()",
    }
)

# Calls known not to make a queue (README.md, "What counts as a queue": not a literal or a dict).
NON_QUEUE_CALLS = frozenset(
    {
        "dict",
        "list",
        "set",
        "frozenset",
        "tuple",
        "str",
        "bytes",
        "bytearray",
        "int",
        "float",
        "open",
        "range",
        "collections.deque",
        "collections.defaultdict",
        "collections.OrderedDict",
        "collections.Counter",
        "collections.ChainMap",
        "heapq",
    }
)


def normalise(dotted: str) -> str:
    """Fold `multiprocessing.get_context().X` into `multiprocessing.X`."""
    return dotted.replace("multiprocessing.get_context().", "multiprocessing.")


def queue_kind(dotted: Optional[str], extra_classes: tuple[str, ...]) -> Optional[str]:
    """The kind of queue a call of `dotted` builds, or None."""
    if dotted is None:
        return None
    dotted = normalise(dotted)
    kind = QUEUE_CLASSES.get(dotted)
    if kind is None and dotted in extra_classes:
        kind = EXTRA
    return kind


def attribute_path(expr: cst.BaseExpression) -> Optional[str]:
    """`a.b.c` for a chain of names, else None."""
    parts: list[str] = []
    while isinstance(expr, cst.Attribute):
        parts.append(expr.attr.value)
        expr = expr.value
    if not isinstance(expr, cst.Name):
        return None
    parts.append(expr.value)
    return ".".join(reversed(parts))


def dotted_expression(dotted: str) -> cst.BaseExpression:
    """The expression `a.b.c` for the dotted name "a.b.c"."""
    parts = dotted.split(".")
    expr: cst.BaseExpression = cst.Name(parts[0])
    for part in parts[1:]:
        expr = cst.Attribute(value=expr, attr=cst.Name(part))
    return expr


def annotation_expression(annotation: cst.BaseExpression) -> Optional[cst.BaseExpression]:
    """The class part of an annotation: `queue.Queue[int]` and `"asyncio.Queue[Job]"`."""
    if isinstance(annotation, cst.SimpleString):
        text = annotation.evaluated_value
        if not isinstance(text, str):
            return None
        try:
            annotation = cst.parse_expression(text.strip())
        except Exception:  # a string annotation that is not an expression
            return None
    if isinstance(annotation, cst.Subscript):
        annotation = annotation.value
    return annotation


def blocking_get(call: cst.Call) -> bool:
    """`q.get()`, `q.get(True)`, `q.get(timeout=None)`: a get that waits and never raises Empty."""
    func = call.func
    if not isinstance(func, cst.Attribute) or func.attr.value != "get":
        return False
    position = 0
    for arg in call.args:
        if arg.star:
            return False
        name = arg.keyword.value if arg.keyword is not None else ("block", "timeout")[min(position, 1)]
        position += arg.keyword is None
        wanted = "True" if name == "block" else "None"
        if not (isinstance(arg.value, cst.Name) and arg.value.value == wanted):
            return False
    return True


LITERAL_NODES = (
    cst.Dict,
    cst.List,
    cst.Set,
    cst.Tuple,
    cst.SimpleString,
    cst.ConcatenatedString,
    cst.FormattedString,
    cst.Integer,
    cst.Float,
    cst.Imaginary,
    cst.ListComp,
    cst.SetComp,
    cst.DictComp,
    cst.GeneratorExp,
)
