"""A fix as a rule builds it; `Fix` lives beside `Diagnostic` (qlint.diagnostic), named here for the rules."""

from __future__ import annotations

from typing import Union

import libcst as cst

from qlint.diagnostic import SAFE, UNSAFE, Fix

# What a node becomes: another node, several statements in its place, or nothing.
Replacement = Union[cst.CSTNode, cst.FlattenSentinel[cst.CSTNode], cst.RemovalSentinel]

__all__ = ["Fix", "Replacement", "SAFE", "UNSAFE"]
