"""One finding as every surface reports it, and the fix a rule offers with it.

No LibCST import: a run whose every file is cached reads these and never loads LibCST.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Optional, Union

if TYPE_CHECKING:
    import libcst as cst

    # What a node becomes: another node, several statements in its place, or nothing.
    Replacement = Union[cst.CSTNode, cst.FlattenSentinel[cst.CSTNode], cst.RemovalSentinel]

SAFE, UNSAFE = "safe", "unsafe"


@dataclass(frozen=True, eq=False)
class Fix:
    """A fix as data: replace each original node (by identity) with its replacement.

    Rules build fixes from the same tree the facts came from, so a node's identity names
    one place in the file; two fixes whose nodes overlap cannot both apply in one pass.
    Its text edits are computed only when a surface shows them (`qlint.fixes.edits`).
    """

    safety: str  # SAFE or UNSAFE
    title: str
    changes: tuple[tuple[cst.CSTNode, Replacement], ...]


@dataclass(frozen=True, order=True)
class Edit:
    """Replace the text from (line, col) up to (end_line, end_col) with `content`; 1-based, end exclusive."""

    line: int
    col: int
    end_line: int
    end_col: int
    content: str


@dataclass(frozen=True, order=True)
class FixSummary:
    """What `--fix` would do for a finding, as plain data: for output and the cache.

    `edits` is None when the surface did not ask for them (text output only marks a
    finding as fixable); json and sarif ask.
    """

    safety: str  # SAFE or UNSAFE
    title: str
    edits: Optional[tuple[Edit, ...]] = None


@dataclass(frozen=True, order=True)
class Diagnostic:
    """A finding at a 1-based line and column; ordered as qlint prints them."""

    path: str
    line: int
    col: int
    code: str
    message: str
    end_line: int = 0
    end_col: int = 0
    # The path that leads to the bug, for formats that can show one: (line, col, what happens).
    steps: tuple[tuple[int, int, str], ...] = ()
    # What --fix would do; not part of a finding's identity or order.
    fix: Optional[FixSummary] = field(default=None, compare=False)
    # Places in other files the finding relies on (path, line, col, what is there): the
    # join another module does. SARIF shows them in the code flow.
    related: tuple[tuple[str, int, int, str], ...] = ()

    def format(self) -> str:
        """The flake8 line: `path:line:col: QLnnn message`."""
        return f"{self.path}:{self.line}:{self.col}: {self.code} {self.message}"


@dataclass(frozen=True, order=True)
class Problem:
    """A file qlint could not (fully) check, and why: `qlint: path: message` on stderr,
    an error entry in JSON and SARIF, `QL000` at line 1 under flake8."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"

    @classmethod
    def of(cls, path: str, error: str) -> Problem:
        """From the engine's `path: message` line about `path`."""
        prefix = f"{path}: "
        return cls(path, error[len(prefix):] if error.startswith(prefix) else error)
