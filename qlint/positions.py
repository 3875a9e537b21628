"""Line and column of the nodes findings point at, without laying out the whole module.

LibCST's PositionProvider regenerates the code of the entire module to place any node:
on a 1 MB file that costs 5x the parse. A finding only needs the positions inside its
own top-level statement, so that statement alone is laid out in a one-statement
module, and its first line comes from CPython's `ast`, which knows it for free.

The layout runs LibCST's position-recording codegen directly on the tree as parsed:
`MetadataWrapper.resolve` would first deep-copy the module (unless told not to) and
always walks it once more with a visitor before laying it out. Nodes are found by
identity, so the tree laid out must be the tree the findings' nodes come from.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Iterable, Optional, cast

import libcst as cst
from libcst.metadata import BaseMetadataProvider, CodeRange
from libcst.metadata.position_provider import PositionProvidingCodegenState


@dataclass(frozen=True)
class Span:
    line: int
    col: int  # 1-based, as flake8 prints it
    end_line: int
    end_col: int


def spans(
    module: cst.Module, tree: Optional[ast.Module], nodes: Iterable[cst.CSTNode], top_of: dict[int, int]
) -> dict[int, Span]:
    """id(node) -> Span for every node in `nodes`; `tree` is CPython's parse of the same text
    (None when this Python cannot parse it: the whole module is laid out instead)."""
    nodes = list(nodes)
    firsts = _first_lines(module, tree) if tree is not None else None
    if firsts is None or any(id(n) not in top_of for n in nodes):
        return _whole_module(module, nodes)
    by_statement: dict[int, list[cst.CSTNode]] = {}
    for node in nodes:
        by_statement.setdefault(top_of[id(node)], []).append(node)
    found: dict[int, Span] = {}
    for index, wanted in by_statement.items():
        statement = module.body[index]
        alone = statement.with_changes(leading_lines=())
        mini = cst.Module(body=[alone], default_indent=module.default_indent, default_newline=module.default_newline)
        positions = _layout(mini)
        shift = firsts[index] - 1
        for node in wanted:
            where = positions[alone if node is statement else node]
            found[id(node)] = Span(
                where.start.line + shift, where.start.column + 1, where.end.line + shift, where.end.column + 1
            )
    return found


def _first_lines(module: cst.Module, tree: ast.Module) -> Optional[list[int]]:
    """The line each of `module.body` starts on (its first decorator, for a decorated def)."""
    statements = tree.body
    lines: list[int] = []
    position = 0
    for statement in module.body:
        if position >= len(statements):
            return None
        first = statements[position]
        line = first.lineno
        decorators = getattr(first, "decorator_list", None)
        if decorators:
            line = min(line, *(d.lineno for d in decorators))
        lines.append(line)
        position += len(statement.body) if isinstance(statement, cst.SimpleStatementLine) else 1
    return lines if position == len(statements) else None


def _whole_module(module: cst.Module, nodes: list[cst.CSTNode]) -> dict[int, Span]:
    """The reference way, when the statements cannot be matched with `ast`'s."""
    positions = _layout(module)
    return {
        id(node): Span(
            positions[node].start.line, positions[node].start.column + 1,
            positions[node].end.line, positions[node].end.column + 1,
        )
        for node in nodes
    }


class _Positions:
    """What PositionProvidingCodegenState writes to: node -> CodeRange."""

    def __init__(self) -> None:
        self._computed: dict[cst.CSTNode, CodeRange] = {}


def _layout(module: cst.Module) -> dict[cst.CSTNode, CodeRange]:
    """Every node's syntactic range (PositionProvider's), from one codegen pass."""
    positions = _Positions()
    state = PositionProvidingCodegenState(
        default_indent=module.default_indent, default_newline=module.default_newline,
        provider=cast("BaseMetadataProvider[CodeRange]", positions),  # it needs only `_computed`
    )
    module._codegen(state)
    return positions._computed
