"""QL305 no-such-exception

## What it does
Finds an `except` that names `Empty` or `Full` (or `QueueEmpty` / `QueueFull`) as an
attribute of a queue class: `except queue.Queue.Empty:`, `except
multiprocessing.Queue.Empty:`, `except Queue.Empty:` after `from queue import Queue`,
`except asyncio.Queue.QueueEmpty:`, also as one name of a tuple. The class is known
through the file's imports (any alias, `multiprocessing.get_context()` too); the message
names the exception to catch instead.

## Why is this bad?
No queue class has such an attribute: the exceptions live in their modules (`queue.Empty`,
`asyncio.QueueEmpty`; `multiprocessing`'s queues raise `queue.Empty`). Python evaluates
the `except` expression only when an exception reaches it, so the code runs fine until
the moment the queue is empty (or full): then the clause itself raises `AttributeError`,
which replaces the exception it meant to catch, and the worker dies.

## Example
```python
import queue

q = queue.Queue()
try:
    item = q.get_nowait()
except queue.Queue.Empty:
    item = None
```

## Use instead
```python
import queue

q = queue.Queue()
try:
    item = q.get_nowait()
except queue.Empty:
    item = None
```

`Queue.Empty` after `import Queue` is Python 2's module `Queue`, whose `Empty` is real: no
finding. Neither is there one for a class of the module itself (a `Queue` class defined or
assigned there, or a subclass that defines `Empty`), nor for a name qlint cannot trace to
an import.

## Fix safety
Safe: `--fix` names the real exception, in the file's style, as QL304's fix does. It uses
a name the module already imports (`from queue import Empty`, or `import queue` as any
alias); otherwise it adds the import: `Queue.Empty` after `from queue import Queue`
becomes `Empty`, joined to that `from queue import ...` line; a dotted `queue.Queue.Empty`
becomes `queue.Empty`, with `import queue` if the module lacks it. No fix is offered
when the name it needs is bound to something else where the handler is.
"""

from __future__ import annotations

from typing import Iterator, Optional

import libcst as cst

from qlint.analysis.facts import ModuleFacts
from qlint.analysis.model import Scope
from qlint.analysis.names import attribute_path, normalise
from qlint.analysis.scopes import binding_scope
from qlint.fixes.exceptions import caught_expressions, rename_caught
from qlint.prefilter import Evidence
from qlint.rules.base import Finding

CODE = "QL305"
NAME = "no-such-exception"
# The README's rule table: when the rule fires, in one line.
FIRES_WHEN = (
    "`except queue.Queue.Empty`, `asyncio.Queue.QueueEmpty`, `multiprocessing.Queue.Full`...: "
    "no queue class has the attribute, so the `except` raises `AttributeError` when the "
    "exception arrives"
)
MESSAGE = (
    "a queue class has no such exception: this except raises AttributeError just when the "
    "exception arrives, and the worker dies; catch queue.Empty/Full (asyncio.QueueEmpty/QueueFull for asyncio)"
)
# What each written name means; the real exception comes from the class's registry row.
_MEANS = {"Empty": "empty", "QueueEmpty": "empty", "Full": "full", "QueueFull": "full"}


FIXABLE = True


def check(facts: ModuleFacts) -> Iterator[Finding]:
    rebound = {name for each in facts.record.scopes for name in each.declared_global}
    for scope, node in facts.record.tries:
        for handler in node.handlers:
            for expression in caught_expressions(handler):
                if not isinstance(expression, cst.Attribute):
                    continue  # `<queue class>.Empty` is an attribute
                named = _queue_class_attribute(facts, scope, expression)
                if named is None:
                    continue
                queue_class, real = named
                # `Queue.Empty`: the class came from a from-import, so does the fix's name.
                bare = frozenset({id(expression)}) if isinstance(expression.value, cst.Name) else frozenset()
                fix = rename_caught(facts.module, scope, handler, {id(expression): real}, rebound, bare)
                message = (
                    f"{queue_class} has no attribute {expression.attr.value}: this except raises "
                    f"AttributeError just when the exception arrives, and the worker dies; catch {real}"
                )
                yield Finding(expression, message=message, fix=fix)


def _queue_class_attribute(facts: ModuleFacts, scope: Scope, expression: cst.BaseExpression) -> Optional[tuple[str, str]]:
    """(the queue class, the real exception) for `<queue class>.Empty` and the like."""
    if not isinstance(expression, cst.Attribute) or expression.attr.value not in _MEANS:
        return None
    written = attribute_path(expression.value)
    if written is None:
        return None
    dotted = facts.queues.dotted(scope, expression.value)
    if dotted is None:
        return None
    root = written.split(".")[0]
    owner = binding_scope(scope, root)
    if "()" not in dotted:  # not through a factory (`ctx = multiprocessing.get_context()`)
        if root not in owner.imported or root in owner.assigned or root in owner.params:
            return None  # a builtin-looking name, or a name the module also binds itself
    row = facts.queues.table.get(normalise(dotted))
    real = getattr(row, _MEANS[expression.attr.value]) if row is not None else ()
    if not real:
        return None  # not a class qlint knows, or one whose exceptions it does not judge
    return normalise(dotted), real[0]


def gate(text: str) -> bool:
    """Every queue class's name ends in `Queue`, and the text says it (an attribute or an import)."""
    return "Queue" in text and ("Empty" in text or "Full" in text)


def possible(e: Evidence) -> bool:
    """Could the rule fire here? On CPython's tree, before LibCST parses the file: an
    `except` names `<path>.Empty` (or Full, QueueEmpty, QueueFull) where the path ends in
    the name of a queue class (an alias or subclass of one too), or is one name that the
    module assigns (`JQ = ctx.JoinableQueue`): the rule resolves nothing else to a class."""
    return any(
        attribute in e.words.exceptions and (last in e.classes or (alone and last in e.summary.builds))
        for last, attribute, alone in e.summary.caught_attributes
    )
