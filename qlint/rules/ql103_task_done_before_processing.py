"""QL103 task-done-before-processing

## What it does
Finds a `task_done()` after which the item (or a value computed from it) is still
used in the same iteration of the consumer loop.

## Why is this bad?
`task_done()` tells `q.join()` the item is finished. Called before the work, it lets
`join()` return while the item is still being processed: the main thread goes on (or
exits, killing daemon workers) with work half done.

## Example
```python
while True:
    item = q.get()
    q.task_done()
    process(item)
```

## Use instead
```python
while True:
    item = q.get()
    try:
        process(item)
    finally:
        q.task_done()
```

## Fix safety
Unsafe: with `--fix --unsafe-fixes`, the `task_done()` moves below the rest of its
block, into a `finally:` around it. That changes when `q.join()` returns, which is the
point, but code that relied on the early return (or processing that never ends) then
keeps `join()` waiting: review the change.
"""

from __future__ import annotations

from typing import Iterator

from qlint.analysis.facts import ModuleFacts
from qlint.fixes.acknowledge import acknowledge_last
from qlint.rules.base import Finding, acknowledges_in, consumer_gate, path_findings

CODE = "QL103"
NAME = "task-done-before-processing"
MESSAGE = (
    "task_done() before the item is processed: join() can return while the work is still "
    "running; call task_done() after the processing, in a finally"
)

WAITED = (
    "task_done() before the item is processed: {wait} can return while the work is still "
    "running; call task_done() after the processing, in a finally"
)

FIXABLE = True


def check(facts: ModuleFacts) -> Iterator[Finding]:
    return path_findings(
        facts,
        lambda paths: paths.used_after_done,
        lambda loop, done: acknowledge_last(loop.node, done, acknowledges_in(facts, loop.group)),
        waited=WAITED,
    )


gate = consumer_gate
