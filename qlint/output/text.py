"""flake8's lines (`default`), and with the source line and a caret (`full`).

A finding `--fix` can repair is marked `[*]` before its message, as ruff marks it; the
output then ends with a count of what `--fix` would do (nothing is added otherwise, so
a run without fixable findings prints exactly flake8's lines).
"""

from __future__ import annotations

import io
import json
import tokenize
from collections import Counter
from typing import Callable, Optional, TextIO

from qlint.diagnostic import SAFE, Diagnostic

_BOLD, _RED, _CYAN, _RESET = "\033[1m", "\033[31m", "\033[36m", "\033[0m"


def fixable(d: Diagnostic, unsafe_fixes: bool) -> bool:
    """Whether `--fix` (with `--unsafe-fixes` if given) would repair this finding."""
    return d.fix is not None and (d.fix.safety == SAFE or unsafe_fixes)


def _line(d: Diagnostic, color: bool, unsafe_fixes: bool) -> str:
    marker = "[*] " if fixable(d, unsafe_fixes) else ""
    if not color:
        return f"{d.path}:{d.line}:{d.col}: {d.code} {marker}{d.message}"
    return (
        f"{_BOLD}{d.path}{_RESET}{_CYAN}:{_RESET}{d.line}{_CYAN}:{_RESET}{d.col}{_CYAN}:{_RESET} "
        f"{_BOLD}{_RED}{d.code}{_RESET} {marker}{d.message}"
    )


def write_default(
    diagnostics: list[Diagnostic], out: TextIO, *, color: bool = False, unsafe_fixes: bool = False, **_: object
) -> None:
    for d in diagnostics:
        out.write(_line(d, color, unsafe_fixes) + "\n")


def write_full(
    diagnostics: list[Diagnostic],
    out: TextIO,
    *,
    color: bool,
    source_lines: Callable[[str], list[str]],
    unsafe_fixes: bool = False,
    **_: object,
) -> None:
    for d in diagnostics:
        out.write(_line(d, color, unsafe_fixes) + "\n")
        lines = source_lines(d.path)
        if 0 < d.line <= len(lines):
            source = lines[d.line - 1].rstrip("\r\n")
            end = d.end_col if d.end_line == d.line else _code_end(source) + 1
            width = max(1, end - d.col)
            caret = " " * (d.col - 1) + "^" * width
            out.write(f"    {source}\n    {_RED + caret + _RESET if color else caret}\n")
        out.write("\n")


def _code_end(line: str) -> int:
    """Where the code of `line` ends (0-based): before a comment and trailing blanks.

    A finding that spans lines is underlined on its first line only, up to there, not
    under the comment that follows it.
    """
    end = len(line.rstrip())
    last = 0
    try:
        for token in tokenize.generate_tokens(io.StringIO(line).readline):
            if token.type == tokenize.COMMENT:
                return last
            if token.type not in (tokenize.NEWLINE, tokenize.NL, tokenize.ENDMARKER, tokenize.DEDENT):
                last = token.end[1]
    except (tokenize.TokenError, SyntaxError):  # a bracket or a string left open: up to the line's end
        return end
    return last or end


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def fix_summary(diagnostics: list[Diagnostic], unsafe_fixes: bool, fixed: Optional[int] = None) -> str:
    """The closing lines about fixes (ruff's wording), or "" when there is nothing to say.

    `fixed` is how many fixes `--fix` applied, None when it did not run.
    """
    hidden = 0 if unsafe_fixes else sum(1 for d in diagnostics if d.fix is not None and d.fix.safety != SAFE)
    available = sum(1 for d in diagnostics if fixable(d, unsafe_fixes))
    hint = f" ({_count(hidden, 'hidden fix', 'hidden fixes')} can be enabled with the --unsafe-fixes option)" if hidden else ""
    lines = []
    if fixed is not None and not fixed and not diagnostics:
        lines.append("All checks passed!")  # ruff's words for a clean --fix
    elif fixed is not None:
        lines.append(f"Found {_count(fixed + len(diagnostics), 'finding', 'findings')} "
                     f"({fixed} fixed, {len(diagnostics)} remaining).")
    if available:
        lines.append(f"[*] {available} fixable with the --fix option{hint}.")
    elif hidden:
        lines.append(f"No fixes available{hint}.")
    return "".join(line + "\n" for line in lines)


def write_statistics(
    diagnostics: list[Diagnostic],
    out: TextIO,
    names: Callable[[str], str],
    *,
    as_json: bool = False,
    unsafe_fixes: bool = False,
) -> None:
    """One line per code, most frequent first: count, code, rule name (as ruff prints them);
    with `as_json`, ruff's JSON list of `{code, name, count, fixable}` in the same order."""
    counts = Counter(d.code for d in diagnostics)
    fixable_codes = {d.code for d in diagnostics if fixable(d, unsafe_fixes)}
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    if as_json:
        rows = [{"code": code, "name": names(code), "count": count, "fixable": code in fixable_codes}
                for code, count in ordered]
        out.write(json.dumps(rows, indent=2) + "\n")
        return
    width = len(str(max(counts.values()))) if counts else 1
    for code, count in ordered:
        out.write(f"{count:>{width}}\t{code}\t{names(code)}\n")
