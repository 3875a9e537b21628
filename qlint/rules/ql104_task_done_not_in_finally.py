"""QL104 task-done-not-in-finally

## What it does
Finds a `task_done()` that follows code which can raise (any call, `await`, subscript
or `raise` after the `get()`), when the `task_done()` is neither in a `finally:` nor
reached after a `try` whose handler catches `Exception` (or `BaseException`, or
everything) and does not re-raise.

## Why is this bad?
If the processing raises, `task_done()` is skipped: the unfinished-task count never
reaches zero and `q.join()` blocks forever. In a worker thread the exception also
ends the thread, so the remaining items are never processed either.

## Example
```python
while True:
    item = q.get()
    process(item)
    q.task_done()
```

## Use instead
```python
while True:
    item = q.get()
    try:
        process(item)
    except Exception:
        log.exception("failed: %r", item)
    finally:
        q.task_done()
```

## Fix safety
Safe: `--fix` wraps the statements between the `get()` and the `task_done()` in
`try:` ... `finally: q.task_done()`. Sentinel checks right after the `get()`
(`if item is None: ...; break`) stay outside the `try`; a `task_done()` that ends a
`with` block moves to the `finally` after the block. No fix is offered when the wrapped
statements `continue`, `break`, `return` or call `task_done()` themselves (the `finally`
would then acknowledge on a path that did not before).

The fix keeps the count right, so `q.join()` no longer hangs on an item whose
processing failed; but the exception still ends a worker thread, and a program whose
only worker died still waits for the items nobody is left to take. Catch and log the
error (see above) to keep the worker alive.
"""

from __future__ import annotations

from typing import Iterator

from qlint.analysis.facts import ModuleFacts
from qlint.fixes.acknowledge import wrap_processing
from qlint.rules.base import Finding, acknowledges_in, consumer_gate, path_findings

CODE = "QL104"
NAME = "task-done-not-in-finally"
MESSAGE = (
    "task_done() is skipped when the processing above raises: join() then waits forever; "
    "call it in a finally: block"
)

WAITED = (
    "task_done() is skipped when the processing above raises: {wait} then waits forever; "
    "call it in a finally: block"
)

FIXABLE = True


def check(facts: ModuleFacts) -> Iterator[Finding]:
    return path_findings(
        facts,
        lambda paths: paths.not_in_finally,
        lambda loop, done: wrap_processing(loop.node, loop.gets, done, acknowledges_in(facts, loop.group)),
        waited=WAITED,
    )


gate = consumer_gate
