"""`qlint rule [CODE ...]`: a rule's documentation, or the rules under a prefix.

Its own parser, so that `qlint rule --help` explains this subcommand and not the linter.
"""

from __future__ import annotations

import argparse
import sys
from typing import Sequence


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="qlint rule",
        description="Print a rule's documentation (what it does, why it is a bug, an example, the fix).",
        epilog="A full code (QL104) prints its documentation; a prefix (QL1, QL, ALL) or no code at all "
        "lists the rules it covers, one per line: code and name.",
        allow_abbrev=False,
    )
    parser.add_argument("codes", nargs="*", metavar="CODE", help="a rule's code, or a prefix of codes")
    parser.add_argument("--no-color", action="store_true", help="accepted for symmetry; rule pages are never coloured")
    return parser


def rule_command(argv: Sequence[str]) -> int:
    """Print what was asked; exit 2 if a code or prefix matches no rule."""
    from qlint.rules import RULES, RULES_BY_CODE

    args = _parser().parse_args(list(argv))
    if not args.codes:
        args.codes = ["ALL"]
    status = 0
    for asked in args.codes:
        code = asked.upper()
        if code in RULES_BY_CODE:
            print(RULES_BY_CODE[code].doc)
            continue
        under = [rule for rule in RULES if code == "ALL" or (code.startswith("QL") and rule.code.startswith(code))]
        if not under:
            print(f"qlint: unknown rule {asked!r}", file=sys.stderr)
            status = 2
        for rule in under:
            print(f"{rule.code}  {rule.name}")
    return status
