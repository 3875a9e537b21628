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
No autofix yet. (The planned fix wraps the processing in `try`/`finally`: it keeps
the count right, but only catching the error keeps the worker thread alive.)
"""

from __future__ import annotations

from typing import Iterator

import libcst as cst

from qlint.analysis.facts import ModuleFacts
from qlint.rules.base import consumer_gate, path_findings

CODE = "QL104"
NAME = "task-done-not-in-finally"
MESSAGE = (
    "task_done() is skipped when the processing above raises: join() then waits forever; "
    "call it in a finally: block"
)


def check(facts: ModuleFacts) -> Iterator[cst.CSTNode]:
    return path_findings(facts, lambda paths: paths.not_in_finally)


gate = consumer_gate
