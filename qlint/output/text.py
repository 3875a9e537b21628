"""flake8's lines (`default`), and with the source line and a caret (`full`)."""

from __future__ import annotations

from collections import Counter
from typing import Callable, TextIO

from qlint.diagnostic import Diagnostic

_BOLD, _RED, _CYAN, _RESET = "\033[1m", "\033[31m", "\033[36m", "\033[0m"


def _line(d: Diagnostic, color: bool) -> str:
    if not color:
        return d.format()
    return (
        f"{_BOLD}{d.path}{_RESET}{_CYAN}:{_RESET}{d.line}{_CYAN}:{_RESET}{d.col}{_CYAN}:{_RESET} "
        f"{_BOLD}{_RED}{d.code}{_RESET} {d.message}"
    )


def write_default(diagnostics: list[Diagnostic], out: TextIO, *, color: bool, **_: object) -> None:
    for d in diagnostics:
        out.write(_line(d, color) + "\n")


def write_full(
    diagnostics: list[Diagnostic], out: TextIO, *, color: bool, source_lines: Callable[[str], list[str]], **_: object
) -> None:
    for d in diagnostics:
        out.write(_line(d, color) + "\n")
        lines = source_lines(d.path)
        if 0 < d.line <= len(lines):
            source = lines[d.line - 1].rstrip("\r\n")
            width = max(1, (d.end_col - d.col) if d.end_line == d.line else len(source) - d.col + 1)
            caret = " " * (d.col - 1) + "^" * width
            out.write(f"    {source}\n    {_RED + caret + _RESET if color else caret}\n")
        out.write("\n")


def write_statistics(diagnostics: list[Diagnostic], out: TextIO, names: Callable[[str], str]) -> None:
    """One line per code, most frequent first: count, code, rule name (as ruff prints them)."""
    counts = Counter(d.code for d in diagnostics)
    width = len(str(max(counts.values()))) if counts else 1
    for code, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        out.write(f"{count:>{width}}\t{code}\t{names(code)}\n")
