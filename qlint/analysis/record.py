"""What the one walk over a parsed module records (analysis/walk.py fills it)."""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst

from qlint.analysis.model import Assignment, CallSite, LoopStack, Scope, StatementSummary


@dataclass
class ModuleRecord:
    """What the walk saw in one module."""

    module: Scope
    scopes: list[Scope] = field(default_factory=list)
    calls: list[CallSite] = field(default_factory=list)
    assignments: list[Assignment] = field(default_factory=list)
    loops: list[tuple[cst.CSTNode, Scope, LoopStack]] = field(default_factory=list)
    summaries: dict[int, StatementSummary] = field(default_factory=dict)
    task_done_references: list[tuple[Scope, cst.Attribute]] = field(default_factory=list)
    # `q.all_tasks_done`, `q.unfinished_tasks`...: a join written by hand waits on `q`.
    wait_references: list[tuple[Scope, cst.Attribute]] = field(default_factory=list)
    # Values a function returns or yields: a queue among them is handed to the caller.
    handed_back: list[tuple[Scope, cst.BaseExpression]] = field(default_factory=list)
    scope_of_node: dict[int, Scope] = field(default_factory=dict)
    # Source order: a call's position is its index in `calls`; an await or a `with` exit
    # sits between the calls before it and the next one, half a position earlier.
    awaits: list[tuple[Scope, cst.Await, float]] = field(default_factory=list)
    with_exits: list[tuple[Scope, cst.With, float]] = field(default_factory=list)
    tries: list[tuple[Scope, cst.Try]] = field(default_factory=list)
    awaited: set[int] = field(default_factory=set)  # id(call) of `await call(...)`
    bare_calls: set[int] = field(default_factory=set)  # a call that is a statement or an assigned value
    # id(call) of calls inside a comprehension (`[Thread(target=f) for _ in range(n)]`): they
    # may run many times, like a call in a loop (the first `in` clause, run once, counts too).
    in_comprehension: set[int] = field(default_factory=set)
    # id(node) of every scope (the module, a def, a lambda, a class) with arithmetic in it
    # (`item * 2`, `n += x`: it raises on a value of the wrong type, or on a zero divisor),
    # in a nested scope, a decorator or a default too.
    arithmetic: set[int] = field(default_factory=set)
    # For every node a finding can point at: the index of its top-level statement in
    # module.body, so positions are computed for those statements only.
    top_of: dict[int, int] = field(default_factory=dict)
