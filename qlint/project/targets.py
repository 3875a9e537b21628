"""What a module's functions do when another module runs them as a thread or process target.

`Thread(target=consume, args=(q,))` in main.py, with `consume` defined in workers.py:
QL203 asks whether `consume` runs a consumer loop that never ends, QL204 whether it puts
into the queue main.py hands it. Read from CPython's tree, for module-level functions:

- `endless`: the line of a `while True:` loop around blocking queue gets (`q.get()`,
  `q.get(True)`, `q.get(timeout=None)`), none of them timed, with no `break` (of that
  loop), `return`, `raise` or exit call in it (as analysis/loop_ends.py judges a loop
  in view); 0 when there is none. A `get` with a key (`d.get(key)`) is not a queue's.
- `puts`: the parameters (by index) the function calls `put()` or `put_nowait()` on;
- `gets`: the parameters it calls `get()` or `get_nowait()` on;
- `consumer`: it gets from some queue at all (a stage that consumes one queue and
  feeds another is not judged a producer across modules);
- `acks_always`, `acks_sometimes`: the parameters it calls `task_done()` on, on every
  path or on some (qlint/project/acknowledgers.py): a helper a consumer loop in another
  module calls to acknowledge its item, `finish(q)`. A function that only acknowledges
  is kept for that, though it is nobody's target.

Calls the function makes to other functions are not followed. qlint never imports the
code: all of this is read.
"""

from __future__ import annotations

import ast
import re
from typing import Iterable, Optional

from qlint.project.acknowledgers import acknowledged_parameters
from qlint.project.bytescan import GAP
from qlint.project.scopes import ScopeNodes, descendants
from qlint.project.source import decode_source
from qlint.project.top_level import top_level_functions

# qualname -> (line of the def, endless loop line or 0, params put into, params got from, any get at all,
# params acknowledged on every path, params acknowledged on some paths only)
TargetFacts = tuple[int, int, tuple[int, ...], tuple[int, ...], bool, tuple[int, ...], tuple[int, ...]]

_EXITS = frozenset({"sys.exit", "exit", "quit", "os._exit"})


_TOP_LEVEL_DEF = re.compile(rb"^(?:def|async)\b", re.MULTILINE)
_QUEUE_CALL = re.compile(
    rb"\." + GAP + rb"(?:get" + GAP + rb"\(" + GAP + rb"(?:\)|True|False|block|timeout)|(?:get_nowait|put|put_nowait"
    + rb"|task_done)" + GAP + rb"\()"
)


def target_gate(source: bytes) -> bool:
    """Whether a module can have a function worth knowing as a target (cheap, sound): it
    calls a queue's get (`.get()`, `.get(True)`, `.get(timeout=...)`, `.get_nowait()`),
    `.put(...)` or `.task_done()` on something, and has a module-level function: a line
    that starts with `def` or `async` (a compound statement never follows a `;`, and a
    decorator has a line of its own)."""
    return (
        (b"get" in source or b"put" in source or b"task_done" in source) and _QUEUE_CALL.search(source) is not None
        and _TOP_LEVEL_DEF.search(source) is not None
    )


# The gate's expression, for the lines of one function.
_QUEUE_CALL_TEXT = re.compile(_QUEUE_CALL.pattern.decode("ascii"))


def targets_alone(source: bytes, path: str) -> Optional[dict[str, TargetFacts]]:
    """targets_of, from the module-level functions that say a queue call, each parsed alone
    (qlint/project/top_level.py): for a file read for nothing else. None when the module
    must be parsed whole. Raises one of UNREADABLE when it does not decode."""
    functions = top_level_functions(decode_source(source), _QUEUE_CALL_TEXT, path)
    return None if functions is None else targets_of(ast.Module(body=functions, type_ignores=[]))


def targets_of(tree: ast.Module, scopes: Optional[ScopeNodes] = None) -> dict[str, TargetFacts]:
    """The facts of each module-level function that gets, puts or acknowledges (see the
    module docstring). `scopes`: the tree's scope_nodes, when the caller has them; else
    only the module-level functions are walked (the same nodes, in the same order)."""
    found: dict[str, TargetFacts] = {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            facts = _function(node, scopes[id(node)] if scopes is not None else descendants(node.body))
            if facts is not None:
                found[node.name] = facts
    return found


def _function(node: ast.FunctionDef | ast.AsyncFunctionDef, own: list[ast.AST]) -> Optional[TargetFacts]:
    """`own`: the nodes of the function's scope."""
    params = [a.arg for a in [*node.args.posonlyargs, *node.args.args]]
    rebound = {n.id for n in own if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    puts: set[int] = set()
    gets: set[int] = set()
    consumer = False
    endless = 0
    for child in own:
        if isinstance(child, ast.While) and not endless and _endless(child):
            endless = child.lineno
        if not (isinstance(child, ast.Call) and isinstance(child.func, ast.Attribute)):
            continue
        method = child.func.attr
        receiver = child.func.value
        name = receiver.id if isinstance(receiver, ast.Name) and receiver.id not in rebound else ""
        index = params.index(name) if name in params else -1
        if method in ("put", "put_nowait") and index >= 0:
            puts.add(index)
        elif method == "get_nowait" or (method == "get" and _queue_get(child) is not None):
            consumer = True
            if index >= 0:
                gets.add(index)
    always, sometimes = acknowledged_parameters(node, own)
    if not (puts or consumer or always or sometimes):
        return None
    return (node.lineno, endless, tuple(sorted(puts)), tuple(sorted(gets)), consumer, always, sometimes)


def _queue_get(call: ast.Call) -> Optional[bool]:
    """For a `.get(...)` call: True if it is a queue's blocking get, False if a queue's timed
    or non-blocking one, None if it is not a queue's (`d.get(key)`)."""
    blocking = True
    for position, arg in enumerate(call.args):
        if isinstance(arg, ast.Starred):
            return None
        name = ("block", "timeout")[min(position, 1)]
        if name == "block" and not (isinstance(arg, ast.Constant) and isinstance(arg.value, bool)):
            return None  # a key
        blocking &= _blocking_value(name, arg)
    for keyword in call.keywords:
        if keyword.arg not in ("block", "timeout"):
            return None
        blocking &= _blocking_value(keyword.arg, keyword.value)
    return blocking


def _blocking_value(name: str, value: ast.expr) -> bool:
    wanted = True if name == "block" else None
    return isinstance(value, ast.Constant) and value.value is wanted


def _endless(loop: ast.While) -> bool:
    """`while True:` around queue gets, all blocking, with no way out."""
    test = loop.test
    if not (isinstance(test, ast.Constant) and test.value and not isinstance(test.value, str)):
        return False
    gets = [
        False if n.func.attr == "get_nowait" else _queue_get(n) for n in descendants(loop.body)
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr in ("get", "get_nowait")
        and isinstance(n.func.value, (ast.Name, ast.Attribute))
    ]
    queue_gets = [g for g in gets if g is not None]
    if not queue_gets or not all(queue_gets):
        return False
    return not _leaves(loop.body, own_loop=True)


def _leaves(statements: Iterable[ast.stmt], own_loop: bool) -> bool:
    """A break (of this loop), return, raise or exit call among `statements`."""
    for statement in statements:
        if isinstance(statement, (ast.Return, ast.Raise)) or (own_loop and isinstance(statement, ast.Break)):
            return True
        if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call):
            func = statement.value.func
            name = func.id if isinstance(func, ast.Name) else (
                f"{func.value.id}.{func.attr}" if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) else ""
            )
            if name in _EXITS:
                return True
        if isinstance(statement, (ast.For, ast.AsyncFor, ast.While)):
            if _leaves(statement.body, own_loop=False) or _leaves(statement.orelse, own_loop):
                return True
        elif isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        else:
            for block in ("body", "orelse", "finalbody"):
                if _leaves(getattr(statement, block, None) or [], own_loop):
                    return True
            for handler in getattr(statement, "handlers", None) or []:
                if _leaves(handler.body, own_loop):
                    return True
            for case in getattr(statement, "cases", None) or []:
                if _leaves(case.body, own_loop):
                    return True
    return False
