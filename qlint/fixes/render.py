"""Where nodes are in a module's text, from one render of it; and what a statement or a
block put in a node's place renders to there, without rendering the module again.

A statement (`BaseStatement`) sits only in a body, the module's or an indented block's; a
block (`BaseSuite`: an indented block, or statements after the colon) only in the `body`
of a compound statement or clause. Both places render their node with no argument, so
its text depends on nothing but the indent tokens in force where it starts (and the
module's default indent and newline). Statements put in a statement's place, or a block
in a block's, rendered alone from those indent tokens, are the text a render of the whole
changed module has there. `If` is the exception: an `elif` is an `If` in another `If`'s
`orelse`, rendered with `is_elif`, so an `If` is never replaced this way.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Sequence

import libcst as cst
from libcst._nodes.internal import CodegenState


@dataclass
class Rendering:
    """A module's code; the character span of each node asked for, and the indent tokens in
    force where it starts; whether one node asked for was inside another (or met twice)."""

    text: str
    places: dict[int, tuple[int, int]]
    indents: dict[int, tuple[str, ...]]
    nested: bool


@dataclass
class _RecordingState(CodegenState):
    """Codegen that notes the token index where each wanted node starts and ends."""

    wanted: frozenset[int] = frozenset()
    places: dict[int, list[int]] = field(default_factory=dict)
    indents: dict[int, tuple[str, ...]] = field(default_factory=dict)
    open: int = 0  # wanted nodes begun and not yet ended
    nested: bool = False

    def before_codegen(self, node: cst.CSTNode) -> None:
        if id(node) in self.wanted:
            self.nested = self.nested or self.open > 0 or id(node) in self.places
            self.open += 1
            self.places[id(node)] = [len(self.tokens), len(self.tokens)]
            self.indents[id(node)] = tuple(self.indent_tokens)

    def after_codegen(self, node: cst.CSTNode) -> None:
        if id(node) in self.wanted:
            self.open -= 1
            self.places[id(node)][1] = len(self.tokens)


def render(module: cst.Module, wanted: set[int]) -> Rendering:
    """The module's code, and where each node in `wanted` that it contains is."""
    state = _RecordingState(module.default_indent, module.default_newline, wanted=frozenset(wanted))
    module._codegen(state)
    tokens = state.tokens
    offsets = [0, *itertools.accumulate(map(len, tokens))]
    last = len(tokens)  # the module may pop its final newline after a node ended
    places = {key: (offsets[min(start, last)], offsets[min(end, last)]) for key, (start, end) in state.places.items()}
    return Rendering("".join(tokens), places, state.indents, state.nested)


def renders_in_place(node: cst.CSTNode, replacements: Sequence[cst.CSTNode]) -> bool:
    """Whether `replacements`, put in `node`'s place, render there as `text_in_place` renders
    them (see the module's doc)."""
    if isinstance(node, cst.BaseSuite):
        return len(replacements) == 1 and isinstance(replacements[0], cst.BaseSuite)
    return (isinstance(node, cst.BaseStatement) and not isinstance(node, cst.If) and bool(replacements)
            and all(isinstance(new, cst.BaseStatement) for new in replacements))


def text_in_place(nodes: Sequence[cst.CSTNode], indent: tuple[str, ...], module: cst.Module) -> str:
    """What `nodes` render to in `module` where the indent tokens are `indent`."""
    state = CodegenState(module.default_indent, module.default_newline, indent_tokens=list(indent))
    for node in nodes:
        node._codegen(state)
    return "".join(state.tokens)
