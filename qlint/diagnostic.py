"""One finding, as every surface reports it."""

from __future__ import annotations

from dataclasses import dataclass


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

    def format(self) -> str:
        """The flake8 line: `path:line:col: QLnnn message`."""
        return f"{self.path}:{self.line}:{self.col}: {self.code} {self.message}"
