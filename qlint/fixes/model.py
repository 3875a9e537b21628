"""A fix as a rule builds it: nodes of the parsed module, each replaced by new ones."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Union

import libcst as cst

from qlint.diagnostic import SAFE, UNSAFE

# What a node becomes: another node, several statements in its place, or nothing.
Replacement = Union[cst.CSTNode, cst.FlattenSentinel, cst.RemovalSentinel]


@dataclass(frozen=True, eq=False)
class Fix:
    """Replace each original node (by identity) with its replacement.

    Rules build fixes from the same tree the facts came from, so a node's identity names
    one place in the file; two fixes whose nodes overlap cannot both apply in one pass.
    """

    safety: str  # SAFE or UNSAFE
    title: str
    changes: tuple[tuple[cst.CSTNode, Replacement], ...]


__all__ = ["Fix", "Replacement", "SAFE", "UNSAFE"]
