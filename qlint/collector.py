"""One file's lint without the cyclic garbage collector running in the middle of it.

The parsers allocate hundreds of thousands of tracked objects for a large file (CPython's
nodes and their dicts, LibCST's nodes and their tuples). Every 700 allocations start a
young collection, and the growing heap full ones that walk every live object again,
though a parser's tree holds no cycle and nothing in it is garbage: a node knows its
children, never its parent. Paused for one file's lint, the collector does that work
once, after it, on what is still alive then; the few cycles the analysis makes (a scope
knows its parent) wait at most one file to be freed. Standard library, serial, CPU
time: 4.6 s -> 3.9 s.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Run the block (or, as a decorator, each call) with the collector off, and turn it
    on again after, unless it was off already: then that is the caller's choice."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
