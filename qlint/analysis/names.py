"""Dotted names of expressions, and which dotted names build which kind of queue.

qlint never imports the code it reads, so "is this a `queue.Queue`?" is answered by
following import aliases in the text: `import queue as q_mod` makes `q_mod.Queue`
mean `queue.Queue`.
"""

from __future__ import annotations

from typing import Optional

import libcst as cst

from qlint.registry import QueueClass  # families of queue and the classes behind them

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


def queue_class(dotted: Optional[str], table: dict[str, QueueClass]) -> Optional[str]:
    """The registry's name of the queue class a call of `dotted` builds, or None."""
    if dotted is None:
        return None
    dotted = normalise(dotted)
    return dotted if dotted in table else None


def attribute_path(expr: cst.BaseExpression) -> Optional[str]:
    """`a.b.c` for a chain of names, else None."""
    # The analysis' commonest question: compared by class, since an `isinstance` that fails
    # against a LibCST class goes through ABCMeta (five times slower); neither has subclasses.
    parts: list[str] = []
    while expr.__class__ is cst.Attribute:
        parts.append(expr.attr.value)
        expr = expr.value
    if expr.__class__ is not cst.Name:
        return None
    if not parts:
        return expr.value
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


def names_a_class(func: cst.BaseExpression) -> bool:
    """`FrameQueue`, `mod.JobQueue`: a CapWords name, which by convention is a class."""
    path = attribute_path(func)
    last = path.rsplit(".", 1)[-1] if path else ""
    return last[:1].isupper() and not last.isupper()


def how_made(made: Optional[str], call: cst.Call) -> str:
    """"joinable" for a `JoinableQueue`, "bounded" when a maxsize is given, else ""."""
    if made is not None and made.endswith("JoinableQueue"):
        return "joinable"
    for arg in call.args:
        if arg.keyword is None or arg.keyword.value == "maxsize":
            value = arg.value
            if not (isinstance(value, cst.Integer) and value.evaluated_value == 0):
                return "bounded"
    return ""


def is_thread_wiring(arg: cst.Arg) -> bool:
    return arg.keyword is not None and arg.keyword.value in ("target", "args", "kwargs")


def looks_like_mapping_get(call: cst.Call) -> bool:
    """`d.get("key")`: Queue.get's first positional is `block`, a bool."""
    positional = [a for a in call.args if a.keyword is None]
    if not positional:
        return False
    first = positional[0].value
    return not (isinstance(first, cst.Name) and first.value in ("True", "False", "block"))


def import_bindings(node: cst.Import) -> dict[str, str]:
    """The names `import a.b as c` binds (`c`: `a.b`; without `as`, `a`: `a`)."""
    bound: dict[str, str] = {}
    for alias in node.names:
        dotted = attribute_path(alias.name)
        if dotted is None:
            continue
        if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
            bound[alias.asname.name.value] = dotted
        else:
            root = dotted.split(".")[0]
            bound[root] = root
    return bound


def import_from_bindings(node: cst.ImportFrom) -> dict[str, str]:
    """The names `from a import b as c` binds (`c`: `a.b`); none for `import *`."""
    if isinstance(node.names, cst.ImportStar):
        return {}
    base = None if node.relative or node.module is None else attribute_path(node.module)
    # `from ..client import Client`: `..client` (the project resolves it, qlint/project/view.py).
    relative = "." * len(node.relative) + ((attribute_path(node.module) or "") if node.module else "")
    joiner = "" if relative.endswith(".") else "."
    bound: dict[str, str] = {}
    for alias in node.names:
        name = attribute_path(alias.name)
        if name is None:
            continue
        local = name
        if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
            local = alias.asname.name.value
        # A relative import never names a standard-library queue.
        bound[local] = f"{base}.{name}" if base else f"{relative}{joiner}{name}"
    return bound
