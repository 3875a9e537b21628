"""Fixes that put `task_done()` where it belongs: in a `finally:` after the processing.

QL104 wraps the statements between the get and the acknowledgement; QL103 moves an early
acknowledgement below the processing; QL302 turns `with q.get() as item:` into a get and
a try/finally. Each declines (returns None) when the code around is not the plain shape
it can rewrite without changing another path's count.
"""

from __future__ import annotations

from typing import Callable, Optional, Sequence

import libcst as cst

from qlint.fixes.blocks import (
    chain_to_call_statement,
    children,
    contains,
    is_guard,
    leaves_or_acknowledges,
    moved_to_front,
    try_finally,
    without_blank_lead,
)
from qlint.fixes.model import SAFE, UNSAFE, Fix

_PASS = cst.SimpleStatementLine(body=[cst.Pass()])

# Whether a call may acknowledge this loop's queue (a helper or method that calls
# task_done(), the queue handed to code qlint cannot see): the analysis decides.
Acknowledges = Callable[[cst.Call], bool]


def _statement_of(loop: cst.CSTNode, done: cst.CSTNode) -> Optional[list[cst.CSTNode]]:
    """The chain from the loop to a `q.task_done()` that is a line of its own, in a block."""
    chain = chain_to_call_statement(loop, done)
    if chain is None or len(chain) < 5:
        return None
    if not isinstance(chain[-4], cst.IndentedBlock):
        return None
    return chain[:-2]  # ends at the statement


def _index(body: Sequence[cst.CSTNode], node: cst.CSTNode) -> int:
    return next(i for i, statement in enumerate(body) if statement is node)


def wrap_processing(
    loop: cst.CSTNode, gets: Sequence[cst.CSTNode], done: cst.CSTNode, acknowledges: Acknowledges
) -> Optional[Fix]:
    """QL104: `item = q.get(); work(item); q.task_done()` -> `try: work(item) finally: q.task_done()`.

    The region runs from after the statement holding the get (or from the top of the loop
    body when the get is in the loop's header) to the acknowledgement. A `task_done()` that
    ends a `with` block leaves the block for the `finally`; leading sentinel guards
    (`if item is None: ...; break`) stay outside the `try`.
    """
    chain = _statement_of(loop, done)
    if chain is None:
        return None
    done_statement = chain[-1]
    if not isinstance(done_statement, cst.SimpleStatementLine):
        return None  # never: the chain ends at the statement line of the call
    level = len(chain) - 1
    withs: list[cst.With] = []
    while True:
        block = chain[level - 1]
        if not isinstance(block, cst.IndentedBlock):
            return None
        body = list(block.body)
        position = _index(body, chain[level])
        holding = [i for i in range(position) if contains(body[i], gets)]
        if holding:
            start = holding[-1] + 1
            break
        owner = chain[level - 2]
        if owner is loop and not contains(block, gets):
            start = 0  # the get is in the loop's header: `for item in iter(q.get, None)`
            break
        if isinstance(owner, cst.With) and position == len(body) - 1:
            withs.append(owner)
            level -= 2
            continue
        return None
    while start < position and is_guard(body[start]):
        start += 1
    region = body[start:position]
    if withs:
        region.append(_without_last(withs))
    if not region or leaves_or_acknowledges(region) or _acknowledged_within(region, acknowledges):
        return None
    lead, region = moved_to_front(region)
    wrapped = try_finally(region, done_statement, leading_lines=lead)
    new_block = block.with_changes(body=[*body[:start], wrapped, *body[position + 1 :]])
    return Fix(SAFE, "Wrap the processing in try/finally: task_done()", ((block, new_block),))


def _without_last(withs: list[cst.With]) -> cst.With:
    """The outermost `with` of a nest, with the last statement of the innermost removed."""
    rebuilt: Optional[cst.With] = None
    for node in withs:  # innermost first
        statements = list(node.body.body)
        statements[-1:] = [rebuilt] if rebuilt is not None else []
        rebuilt = node.with_changes(body=node.body.with_changes(body=statements or [_PASS]))
    assert rebuilt is not None
    return rebuilt


# Whether a statement uses the item, or a value derived from it, for work: the analysis decides.
Uses = Callable[[cst.CSTNode], bool]


def acknowledge_last(loop: cst.CSTNode, done: cst.CSTNode, acknowledges: Acknowledges, uses: Uses) -> Optional[Fix]:
    """QL103: `q.task_done(); work(item)` -> `try: work(item) finally: q.task_done()`.

    The acknowledgement moves below the rest of its block. When it already ends the
    `finally:` of a plain try (as QL104's fix leaves it), the statements after that try
    move into its body instead: `try: x = item["a"] finally: q.task_done()` then `work(x)`
    -> `try: x = item["a"]; work(x) finally: q.task_done()`. No fix when a use of the
    item (or of a value derived from it) would still come after the acknowledgement: one
    after the `if`, `with` or `try` the acknowledgement sits in.
    """
    chain = _statement_of(loop, done)
    if chain is None:
        return None
    done_statement, block = chain[-1], chain[-2]
    if not isinstance(done_statement, cst.SimpleStatementLine) or not isinstance(block, cst.IndentedBlock):
        return None  # never: `_statement_of` ends at a statement line in a block
    body = list(block.body)
    position = _index(body, done_statement)
    region = body[position + 1 :]
    if not region:
        return _into_the_try(chain, acknowledges, uses)
    if _acknowledged_within(region, acknowledges) or _used_after(chain, len(chain) - 2, uses):
        return None
    region[0] = without_blank_lead(region[0])
    wrapped = try_finally(region, done_statement.with_changes(leading_lines=[]), leading_lines=done_statement.leading_lines)
    new_block = block.with_changes(body=[*body[:position], wrapped])
    return Fix(UNSAFE, "Move task_done() after the processing, into a finally", ((block, new_block),))


def _into_the_try(chain: list[cst.CSTNode], acknowledges: Acknowledges, uses: Uses) -> Optional[Fix]:
    """`try: A finally: q.task_done()` and then `B` -> `try: A; B finally: q.task_done()`.

    Only a plain try: an `except` would catch what `B` raises, an `else` would run before
    `B`. `B` is the rest of the block after the try, as above.
    """
    if len(chain) < 6 or not isinstance(chain[-3], cst.Finally) or not isinstance(chain[-5], cst.IndentedBlock):
        return None
    statement, block = chain[-4], chain[-5]
    if not isinstance(statement, cst.Try) or statement.handlers or statement.orelse is not None:
        return None
    body = list(block.body)
    position = _index(body, statement)
    following = body[position + 1 :]
    if not any(uses(s) for s in following) or _acknowledged_within(following, acknowledges):
        return None
    if _used_after(chain, len(chain) - 5, uses):
        return None
    try_body = statement.body.with_changes(body=[*statement.body.body, *following])
    new_block = block.with_changes(body=[*body[:position], statement.with_changes(body=try_body)])
    return Fix(UNSAFE, "Move the processing after the try into it, above the finally's task_done()",
               ((block, new_block),))


def _used_after(chain: list[cst.CSTNode], level: int, uses: Uses) -> bool:
    """Whether a statement after the one that holds `chain[level]` (a block), in some block
    up to the loop's body, uses the item: the fix, which rewrites `chain[level]`, cannot
    put the acknowledgement below it."""
    for index in range(level - 1, 0, -1):
        block, statement = chain[index], chain[index + 1]
        if isinstance(block, cst.IndentedBlock) and isinstance(statement, cst.BaseStatement):
            body = list(block.body)
            if any(uses(s) for s in body[_index(body, statement) + 1 :]):
                return True
    return False


def get_then_try(statement: cst.With, call: cst.Call, acknowledges: Acknowledges) -> Optional[Fix]:
    """QL302: `with q.get() as item: body` -> `item = q.get()` and `try: body finally: q.task_done()`."""
    if statement.asynchronous is not None or len(statement.items) != 1 or statement.items[0].item is not call:
        return None
    if not isinstance(statement.body, cst.IndentedBlock) or not isinstance(call.func, cst.Attribute):
        return None
    if _acknowledged_within(statement.body.body, acknowledges):
        return None
    target = statement.items[0].asname
    small: cst.BaseSmallStatement = (
        cst.Assign(targets=[cst.AssignTarget(target=target.name)], value=call) if target is not None else cst.Expr(call)
    )
    take = cst.SimpleStatementLine(
        body=[small], leading_lines=statement.leading_lines, trailing_whitespace=statement.body.header
    )
    done = cst.SimpleStatementLine(
        body=[cst.Expr(cst.Call(func=cst.Attribute(value=call.func.value.deep_clone(), attr=cst.Name("task_done"))))]
    )
    wrapped = try_finally(statement.body.body, done, footer=statement.body.footer)
    return Fix(UNSAFE, "Take the item with get(), then process it in try/finally: task_done()",
               ((statement, cst.FlattenSentinel([take, wrapped])),))


def _acknowledged_within(statements: Sequence[cst.CSTNode], acknowledges: Acknowledges) -> bool:
    """A `task_done` (called or kept as a callback) or a call that may acknowledge, in one walk."""
    stack = list(statements)
    while stack:
        node = stack.pop()
        # final classes: `is` beats a failing `isinstance` of LibCST
        if type(node) is cst.Attribute and node.attr.value == "task_done":
            return True
        if type(node) is cst.Call and acknowledges(node):
            return True
        stack.extend(children(node))
    return False
