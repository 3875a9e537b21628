"""Text edits of fixes, for the surfaces that show them (json, sarif), in a number of
module renders that does not grow with the number of fixes.

A fix replaces nodes of the parsed module. Its edit is where the replaced nodes' text
was, and what the replacements render to in their place. One render of the module finds
the first (qlint/fixes/render.py). When every fix replaces statements with statements or
a block with a block, and none is inside another, that render is all: each replacement
is rendered alone where it goes, and spliced into the text. Otherwise one render of the
module with every compatible fix applied finds the second for all those fixes at once
(fixes that overlap wait for the next render); the edits are then checked against that
render: applied to the original text, they must give it exactly; when they do not, the
fixes of that render fall back to one render each.

A fix is offered only if the module it leaves compiles: the fixed text of a batch is
compiled once; when it does not compile, each fix of the batch is rendered and compiled
alone, and the one that breaks the module gets `BreaksCode` instead of edits (or every
fix `DoesNotCompile`, when the module does not compile as it is).
"""

from __future__ import annotations

import bisect
import itertools
from typing import Callable, Optional, Sequence, Union

import libcst as cst

from qlint.diagnostic import Edit, Fix
from qlint.fixes.apply import apply_fixes, compatible, compiles
from qlint.fixes.render import Rendering, render, renders_in_place, text_in_place

# A fix's edits, or why it has none: what applying it raised (a bug in the fix), or
# BreaksCode / DoesNotCompile.
FixEdits = Union[tuple[Edit, ...], Exception]


class BreaksCode(Exception):
    """The module with this fix applied does not compile (a bug in the fix)."""


class DoesNotCompile(Exception):
    """The module does not compile as it is: no fix can be shown to leave code that does."""


def fix_edits(module: cst.Module, fixes: Sequence[Fix]) -> list[FixEdits]:
    """The text edit of each fix (one per fix, as small as the change), in order."""
    result: list[FixEdits] = [()] * len(fixes)
    if not fixes:
        return result
    rendering = render(module, {id(node) for fix in fixes for node, _ in fix.changes})
    text, before = rendering.text, rendering.places
    lines = _LineStarts(text)
    in_place = _in_place_edits(module, rendering, fixes, lines)
    if in_place is not None:
        return in_place
    pending = list(range(len(fixes)))
    original_compiles: Optional[bool] = None  # asked only when some fixed module does not compile
    while pending:
        chosen_fixes = compatible(fixes[i] for i in pending)
        chosen_ids = {id(fix) for fix in chosen_fixes}
        batch = [i for i in pending if id(fixes[i]) in chosen_ids]
        pending = [i for i in pending if id(fixes[i]) not in chosen_ids]
        done = _batch_edits(module, text, before, [fixes[i] for i in batch], lines)
        if done is None:  # a fix raised or broke the module, or the places disagree: one render per fix
            done = [_alone(module, text, fixes[i], lines) for i in batch]
            if any(isinstance(edits, BreaksCode) for edits in done):
                if original_compiles is None:
                    original_compiles = compiles(text)
                if not original_compiles:
                    done = [DoesNotCompile() if isinstance(edits, BreaksCode) else edits for edits in done]
        for index, edits in zip(batch, done):
            result[index] = edits
    return result


def _batch_edits(
    module: cst.Module, text: str, before: dict[int, tuple[int, int]], fixes: list[Fix], lines: _LineStarts
) -> Optional[list[FixEdits]]:
    """The edits of compatible fixes from one render of the module with all of them applied."""
    try:
        fixed = apply_fixes(module, fixes)
    except Exception:
        return None
    fixed_rendering = render(fixed, {id(node) for fix in fixes for _, new in fix.changes for node in _nodes(new)})
    new_text, after = fixed_rendering.text, fixed_rendering.places
    segments = _segments(fixes, before, after)
    if segments is None or not _consistent(text, new_text, sorted(segments.values())) or not compiles(new_text):
        return None
    return [_edit(text, [segments[id(node)] for node, _ in fix.changes], new_text, lines) for fix in fixes]


def _in_place_edits(
    module: cst.Module, rendering: Rendering, fixes: Sequence[Fix], lines: _LineStarts
) -> Optional[list[FixEdits]]:
    """The edits of all the fixes from the one render of the module, if each fix replaces
    statements with statements or a block with a block (qlint/fixes/render.py), no replaced
    node is inside another (so the fixes are all compatible), and the module ends in a
    newline (else its render drops the last one); None otherwise, or if the fixed text does
    not compile (then the general way decides)."""
    changes = [(node, new) for fix in fixes for node, new in fix.changes]
    places = rendering.places
    if rendering.nested or not module.has_trailing_newline or len({id(node) for node, _ in changes}) != len(changes):
        return None
    pieces: dict[int, str] = {}
    for node, new in changes:
        replacements = _nodes(new)
        if id(node) not in places or not renders_in_place(node, replacements):
            return None
        try:
            pieces[id(node)] = text_in_place(replacements, rendering.indents[id(node)], module)
        except Exception:  # a bug in the fix: the general way names it
            return None
    text = rendering.text
    parts: list[str] = []
    segments: dict[int, Segment] = {}
    previous, shift = 0, 0
    for node, _ in sorted(changes, key=lambda change: places[id(change[0])]):
        start, end = places[id(node)]
        piece = pieces[id(node)]
        parts += [text[previous:start], piece]
        segments[id(node)] = (start, end, start + shift, start + shift + len(piece))
        shift += len(piece) - (end - start)
        previous = end
    parts.append(text[previous:])
    new_text = "".join(parts)
    if not compiles(new_text):
        return None
    return [_edit(text, [segments[id(node)] for node, _ in fix.changes], new_text, lines) for fix in fixes]


def _nodes(replacement: object) -> list[cst.CSTNode]:
    if isinstance(replacement, cst.FlattenSentinel):
        return list(replacement.nodes)
    if isinstance(replacement, cst.CSTNode):
        return [replacement]
    return []  # RemovalSentinel


# (start, end) in the original text, (start, end) in the fixed text.
Segment = tuple[int, int, int, int]


def _segments(
    fixes: list[Fix], before: dict[int, tuple[int, int]], after: dict[int, tuple[int, int]]
) -> Optional[dict[int, Segment]]:
    """Each replaced node's segment (by its id); a removed node's place in the fixed text follows from
    the changes before it. None if some node was not rendered where it should be."""
    changes = sorted(
        ((before[id(node)], node, new) for fix in fixes for node, new in fix.changes if id(node) in before),
        key=lambda change: change[0],
    )
    if len(changes) != sum(len(fix.changes) for fix in fixes):
        return None
    found: dict[int, Segment] = {}
    shift = 0
    for (start, end), node, new in changes:
        nodes = _nodes(new)
        if any(id(placed) not in after for placed in nodes):
            return None
        new_start = after[id(nodes[0])][0] if nodes else start + shift
        new_end = after[id(nodes[-1])][1] if nodes else new_start
        if new_start != start + shift:
            return None
        found[id(node)] = (start, end, new_start, new_end)
        shift += (new_end - new_start) - (end - start)
    return found


def _consistent(text: str, new_text: str, segments: list[Segment]) -> bool:
    """Whether the text between the segments is the same before and after (so the edits,
    applied to the original text, give exactly the fixed render)."""
    previous_end, previous_new_end = 0, 0
    for start, end, new_start, new_end in segments:
        if start < previous_end or text[previous_end:start] != new_text[previous_new_end:new_start]:
            return False
        previous_end, previous_new_end = end, new_end
    return text[previous_end:] == new_text[previous_new_end:]


def _edit(text: str, segments: list[Segment], new_text: str, lines: _LineStarts) -> tuple[Edit, ...]:
    """One fix's changes as a single edit, trimmed to where its text really differs
    (what a diff of the file before and after this fix alone would show)."""
    segments = sorted(segments)
    low, high = segments[0][0], segments[-1][1]
    parts = []
    for (_, end, new_start, new_end), following in itertools.zip_longest(segments, segments[1:]):
        parts.append(new_text[new_start:new_end])
        if following is not None:
            parts.append(text[end : following[0]])
    middle = "".join(parts)
    alone = _Spliced(text, low, high, middle)
    return _trimmed(text, alone, lines)


def _alone(module: cst.Module, text: str, fix: Fix, lines: _LineStarts) -> FixEdits:
    """The reference way for one fix: render the module with it alone, diff the texts."""
    try:
        after = apply_fixes(module, [fix]).code
    except Exception as error:
        return error
    if not compiles(after):
        return BreaksCode()
    return _trimmed(text, _Spliced(text, 0, len(text), after), lines)


class _Spliced:
    """`text[:low] + middle + text[high:]` without building it: the file with one fix applied."""

    def __init__(self, text: str, low: int, high: int, middle: str) -> None:
        self.text, self.low, self.high, self.middle = text, low, high, middle
        self.length = len(text) - (high - low) + len(middle)

    def __len__(self) -> int:
        return self.length

    def slice(self, start: int, end: int) -> str:
        pieces = []
        mid_end = self.low + len(self.middle)
        if start < self.low:
            pieces.append(self.text[start : min(end, self.low)])
        if end > self.low and start < mid_end:
            pieces.append(self.middle[max(start, self.low) - self.low : min(end, mid_end) - self.low])
        if end > mid_end:
            shift = self.high - mid_end
            pieces.append(self.text[max(start, mid_end) + shift : end + shift])
        return "".join(pieces)


def _trimmed(text: str, after: _Spliced, lines: _LineStarts) -> tuple[Edit, ...]:
    """The smallest span of `text` that differs from `after`, as an edit (none if equal)."""
    limit = min(len(text), len(after))
    low = after.low  # the text before the change agrees
    start = low + _agreeing(lambda i, j: (text[low + i : low + j], after.slice(low + i, low + j)), limit - low)
    end_before, end_after = len(text), len(after)
    room = min(end_before, end_after) - start
    tail = min(len(text) - after.high, room)  # and so does the text after it
    same = _agreeing(lambda i, j: (text[end_before - j : end_before - i], after.slice(end_after - j, end_after - i)),
                     room, backwards=True, known=tail)
    end_before, end_after = end_before - same, end_after - same
    if start == end_before and start == end_after:
        return ()
    line, col = lines.place(start)
    end_line, end_col = lines.place(end_before)
    return (Edit(line, col, end_line, end_col, after.slice(start, end_after)),)


def _agreeing(pair: Callable[[int, int], tuple[str, str]], limit: int, backwards: bool = False, known: int = 0) -> int:
    """How many characters agree (from the start, or from the end when `backwards`), at
    most `limit`, the first `known` of them without looking: chunks of doubling size are
    compared whole, only the one that differs character by character."""
    matched, size = max(known, 0), 64
    while matched < limit:
        step = min(size, limit - matched)
        first, second = pair(matched, matched + step)
        if first == second:
            matched += step
            size *= 2
            continue
        if backwards:
            first, second = first[::-1], second[::-1]
        return matched + next(i for i, (a, b) in enumerate(zip(first, second)) if a != b)
    return max(limit, 0)


class _LineStarts:
    """1-based line and column of a character offset (lines end at \\n, as LibCST writes them)."""

    def __init__(self, text: str) -> None:
        self.starts = [0]
        found = text.find("\n")
        while found != -1:
            self.starts.append(found + 1)
            found = text.find("\n", found + 1)

    def place(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.starts, offset)
        return line, offset - self.starts[line - 1] + 1
