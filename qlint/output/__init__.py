"""Output formats: the same findings as flake8 lines, with source, as JSON, SARIF or GitHub annotations."""

from __future__ import annotations

from typing import Callable, Optional, Sequence, TextIO

from qlint.diagnostic import Diagnostic, Problem
from qlint.output import github, json_format, sarif, text

# Where each rule's page is published, as "https://.../{code}.md". qlint has no published
# home yet, and a path inside this repository is no use to a reader outside it, so there
# is none: JSON's `url` is null, SARIF has no `helpUri` and carries the page in `help`.
RULE_DOCS_URL: Optional[str] = None

Writer = Callable[..., None]
WRITERS: dict[str, Writer] = {
    "default": text.write_default,
    "full": text.write_full,
    "json": json_format.write,
    "sarif": sarif.write,
    "github": github.write,
}


def rule_name(code: str) -> str:
    from qlint.rules import (
        RULES_BY_CODE,  # only formats that name rules pay for loading them
    )

    rule = RULES_BY_CODE.get(code)
    return rule.name if rule is not None else "syntax-error"


def rule_url(code: str) -> Optional[str]:
    from qlint.rules import CODES

    return RULE_DOCS_URL.format(code=code) if RULE_DOCS_URL is not None and code in CODES else None


def write(
    format_name: str,
    diagnostics: list[Diagnostic],
    out: TextIO,
    *,
    color: bool = False,
    source_lines: Callable[[str], list[str]] = lambda path: [],
    unsafe_fixes: bool = False,
    problems: Sequence[Problem] = (),
) -> None:
    """Write `diagnostics` to `out` in `format_name`; JSON and SARIF carry the `problems` too
    (the text formats leave them to standard error)."""
    WRITERS[format_name](diagnostics, out, color=color, source_lines=source_lines, unsafe_fixes=unsafe_fixes,
                         problems=problems)
