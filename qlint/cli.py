"""The `qlint` command: ruff's and flake8's conventions, one engine underneath."""

from __future__ import annotations

import argparse
import sys
from typing import Optional, Sequence

from qlint import __version__
from qlint.files import discover
from qlint.rules import RULES, RULES_BY_CODE
from qlint.runner import run
from qlint.settings import Settings

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def _codes(text: str) -> tuple[str, ...]:
    return tuple(c.strip() for c in text.split(",") if c.strip())


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="qlint",
        description="Find misuse of Python work queues (put/get/task_done/join).",
        epilog="`qlint rule [CODE]` prints a rule's documentation.",
    )
    parser.add_argument("paths", nargs="*", default=["."], help="files or directories (default: .)")
    parser.add_argument("--select", type=_codes, help="codes or prefixes to report (default: QL)")
    parser.add_argument("--extend-select", type=_codes, default=(), help="add to --select")
    parser.add_argument("--ignore", type=_codes, default=(), help="codes or prefixes not to report")
    parser.add_argument("--exit-zero", action="store_true", help="exit 0 even when there are findings")
    parser.add_argument("--jobs", "-j", type=int, default=None, help="processes (default: all cores)")
    parser.add_argument("--version", action="version", version=f"qlint {__version__}")
    return parser


def _print_rules(codes: Sequence[str]) -> int:
    if not codes:
        for rule in RULES:
            print(f"{rule.code}  {rule.name}")
        return EXIT_CLEAN
    status = EXIT_CLEAN
    for code in codes:
        rule = RULES_BY_CODE.get(code.upper())
        if rule is None:
            print(f"qlint: unknown rule {code!r}", file=sys.stderr)
            status = EXIT_ERROR
            continue
        print(rule.doc)
    return status


def main(argv: Optional[Sequence[str]] = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list[:1] == ["rule"]:
        return _print_rules(args_list[1:])
    args = _parser().parse_args(args_list)
    select = (args.select if args.select is not None else ("QL",)) + tuple(args.extend_select)
    settings = Settings(select=select, ignore=tuple(args.ignore))
    if args.jobs is not None and args.jobs < 1:
        print("qlint: --jobs must be at least 1", file=sys.stderr)
        return EXIT_ERROR
    result = run(list(discover(args.paths)), settings, args.jobs)
    out = sys.stdout
    for diagnostic in result.diagnostics:
        out.write(diagnostic.format() + "\n")
    out.flush()
    for error in result.errors:
        print(f"qlint: {error}", file=sys.stderr)
    if result.errors:
        return EXIT_ERROR
    if result.diagnostics and not args.exit_zero:
        return EXIT_FINDINGS
    return EXIT_CLEAN
