"""The `qlint` command: ruff's and flake8's conventions, one engine underneath."""

from __future__ import annotations

import argparse
import os
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Optional, Sequence, TextIO

from qlint import __version__
from qlint.cache import CACHE_DIR_NAME, ResultCache, summary_store
from qlint.config import (
    FORMAT_ALIASES,
    OUTPUT_FORMATS,
    ConfigError,
    FileConfig,
    build_settings,
    check_selectors,
    find_config,
    load_config,
)
from qlint.diagnostic import Problem
from qlint.files import (
    DEFAULT_EXCLUDE,
    DiscoveryOptions,
    discover,
    excluded_with_parents,
)
from qlint.noqa import python_lines
from qlint.output import rule_name, write
from qlint.output.text import fix_summary, write_statistics
from qlint.rule_command import rule_command
from qlint.runner import FixMode, RunResult, run, unified_diff
from qlint.settings import SelectionLayer, Settings

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def _codes(text: str) -> list[str]:
    return [c.strip() for c in text.split(",") if c.strip()]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="qlint",
        description="Find misuse of Python work queues (put/get/task_done/join).",
        epilog="`qlint rule [CODE]` prints a rule's documentation; `qlint rule` lists the rules "
        "(`qlint rule --help`). `qlint check PATH ...` is the same as `qlint PATH ...`.",
        allow_abbrev=False,
    )
    add = parser.add_argument
    add("paths", nargs="*", help="files or directories to lint (default: .); - reads standard input")
    add("--select", type=_codes, metavar="CODES", help="codes or prefixes to report (default: QL)")
    add("--extend-select", type=_codes, metavar="CODES", action="extend", default=[], help="add to --select")
    add("--ignore", type=_codes, metavar="CODES", help="codes or prefixes not to report")
    add("--extend-ignore", type=_codes, metavar="CODES", action="extend", default=[], help="add to --ignore")
    add("--per-file-ignores", action="append", metavar="PATTERN:CODES", help="ignore CODES in files matching PATTERN")
    add("--exclude", type=_codes, metavar="PATTERNS", help="glob patterns to skip (replaces the defaults)")
    add("--extend-exclude", type=_codes, metavar="PATTERNS", action="extend", default=[], help="more glob patterns to skip")
    add("--force-exclude", action="store_true", help="apply exclusions to files named on the command line too")
    add("--format", "--output-format", dest="format", choices=OUTPUT_FORMATS + tuple(FORMAT_ALIASES),
        help="output format (default: default; concise, ruff's name for it, is the same)")
    add("--show-source", action="store_true", help="show the source line of each finding (--format full)")
    add("-o", "--output-file", metavar="FILE", help="write the output to FILE")
    add("--statistics", action="store_true", help="print a count per code instead of the findings")
    add("--exit-zero", action="store_true", help="exit 0 even when there are findings")
    add("--fix", action="store_true", help="apply the safe fixes in place")
    add("--unsafe-fixes", action="store_true", help="with --fix or --diff: also the unsafe fixes; alone: show them")
    add("--diff", action="store_true", help="print the fixes as a unified diff instead of applying them")
    add("--no-cache", action="store_true", help="neither read nor write the cache")
    add("--cache-dir", metavar="DIR", help="where to keep the cache (default: .qlint_cache beside the "
        "pyproject.toml that configures qlint, else in the current folder; or $QLINT_CACHE_DIR)")
    add("--jobs", "-j", type=int, default=None, metavar="N", help="processes (default: all cores)")
    add("--no-color", action="store_true", help="never colour the output (NO_COLOR is respected too)")
    add("--stdin-filename", metavar="NAME", help="the file name to report (and match config by) for standard input")
    add("--config", metavar="FILE", help="read [tool.qlint] from FILE")
    add("--isolated", action="store_true", help="ignore configuration files")
    add("--isolated-modules", action="store_true", help="judge each file alone: do not look for the joins "
        "other modules of the project do (whole-project analysis is on by default)")
    add("--version", action="version", version=f"qlint {__version__}")
    return parser


def _first_positional(parser: argparse.ArgumentParser, tokens: list[str]) -> Optional[int]:
    """Where the first word that is not an option (nor an option's value) stands, if anywhere."""
    takes_value = {name for action in parser._actions if action.nargs != 0 for name in action.option_strings}
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token == "--":  # what follows is paths, even one named `rule`
            return None
        if token == "-" or not token.startswith("-"):
            return index
        index += 2 if token in takes_value else 1
    return None


def _file_config(args: argparse.Namespace) -> FileConfig:
    if args.isolated:
        return FileConfig()
    if args.config:
        return load_config(Path(args.config), table_required=True)
    start = args.stdin_filename if args.paths == ["-"] and args.stdin_filename else (args.paths or ["."])[0]
    found = find_config(Path(start) if os.path.exists(start) else Path.cwd())
    return load_config(found) if found is not None else FileConfig()


def _per_file_ignores(args: argparse.Namespace, config: FileConfig) -> dict[str, list[str]]:
    if args.per_file_ignores is None:
        return config.per_file_ignores
    table: dict[str, list[str]] = {}
    for entry in args.per_file_ignores:
        pattern, colon, codes = entry.rpartition(":")
        if not colon or not pattern:
            raise ConfigError(f"--per-file-ignores: expected PATTERN:CODES, got {entry!r}")
        table.setdefault(pattern, []).extend(check_selectors("--per-file-ignores", _codes(codes)))
    return table


def _settings(args: argparse.Namespace, config: FileConfig) -> Settings:
    for flag in ("select", "extend_select", "ignore", "extend_ignore"):
        value = getattr(args, flag)
        if value:
            check_selectors("--" + flag.replace("_", "-"), value)
    command_line = SelectionLayer(
        tuple(args.select) if args.select is not None else None,
        tuple(args.extend_select),
        tuple((args.ignore or []) + args.extend_ignore),
    )
    return build_settings(config, command_line, _per_file_ignores(args, config))


def _discovery(args: argparse.Namespace, config: FileConfig) -> DiscoveryOptions:
    exclude = args.exclude if args.exclude is not None else (config.exclude if config.exclude is not None else list(DEFAULT_EXCLUDE))
    return DiscoveryOptions(
        exclude=tuple(exclude + config.extend_exclude + args.extend_exclude), force_exclude=args.force_exclude
    )


def _lint_stdin(
    args: argparse.Namespace,
    settings: Settings,
    discovery: DiscoveryOptions,
    fix_mode: Optional[FixMode],
    edits: bool,
) -> tuple[RunResult, bytes]:
    """Standard input's findings, and its source (fixed, with --fix); `edits` when the
    output shows each fix's text edits."""
    from qlint.engine import FIX_EDITS, FIX_MARKS, check_source

    name = args.stdin_filename or "-"
    source = sys.stdin.buffer.read()
    result = RunResult()
    if args.stdin_filename and discovery.force_exclude and excluded_with_parents(name, discovery.exclude):
        return result, source
    if fix_mode is None:
        view = None
        if args.stdin_filename and not args.isolated_modules and os.path.isdir(os.path.dirname(os.path.abspath(name))):
            from qlint.project.context import build_context

            store = None if args.no_cache else summary_store(_cache_folder(args))
            # An editor's buffer: judged with the project of the file it will be saved as.
            view = build_context([name if os.path.exists(name) else os.path.dirname(os.path.abspath(name))],
                                 store, discovery.exclude).view_for(name)
        report = check_source(source, name, settings, fixes=FIX_EDITS if edits else FIX_MARKS, project=view)
        result.diagnostics, result.errors = report.diagnostics, [Problem.of(name, e) for e in report.errors]
        return result, source
    from qlint.fix import fix_source

    outcome = fix_source(source, name, settings, unsafe=fix_mode.unsafe, edits=edits)
    result.diagnostics = outcome.report.diagnostics
    result.errors = [Problem.of(name, e) for e in outcome.report.errors + outcome.errors]
    result.fixed = outcome.fixed
    if outcome.source != source and not fix_mode.write:
        result.diffs.append(unified_diff(name, source, outcome.source))
    return result, outcome.source


@contextmanager
def _output(path: Optional[str]) -> Iterator[TextIO]:
    if path is None:
        yield sys.stdout
        return
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        yield handle


def _use_color(args: argparse.Namespace, out: TextIO, format_name: str) -> bool:
    if args.no_color or os.environ.get("NO_COLOR") or format_name not in ("default", "full"):
        return False
    return args.output_file is None and out.isatty()


def main(argv: Optional[Sequence[str]] = None) -> int:
    for stream in (sys.stdout, sys.stderr):  # a file name that is not UTF-8 must still print
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    try:
        status = _main(argv)
        sys.stdout.flush()  # here, not at exit, where a closed pipe could no longer be caught
        return status
    except BrokenPipeError:  # `qlint ... | head`: the reader has what it wanted
        _silence_stdout()
        return EXIT_CLEAN
    except SystemExit as done:  # argparse's --help and --version print, then exit
        try:
            sys.stdout.flush()
        except BrokenPipeError:
            _silence_stdout()
        raise done


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so that Python's own flush at exit finds no closed pipe."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _main(argv: Optional[Sequence[str]]) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    parser = _parser()
    first = _first_positional(parser, args_list)
    if first is not None and args_list[first] == "rule":  # a subcommand wherever it stands
        parser.parse_args(args_list[:first])  # what comes before it must still be valid options
        return rule_command(args_list[first + 1 :])
    if first is not None and args_list[first] == "check":  # ruff's `check`: the same as no subcommand
        del args_list[first]
    args = parser.parse_args(args_list)
    if args.stdin_filename and not args.paths:  # as ruff: --stdin-filename alone means standard input
        args.paths = ["-"]
    if "-" in args.paths and args.paths != ["-"]:
        print("qlint: '-' (standard input) cannot be combined with other paths", file=sys.stderr)
        return EXIT_ERROR
    if args.jobs is not None and args.jobs < 1:
        print("qlint: --jobs must be at least 1", file=sys.stderr)
        return EXIT_ERROR
    try:
        config = _file_config(args)
        settings = _settings(args, config)
        discovery = _discovery(args, config)
    except ConfigError as error:
        print(f"qlint: {error}", file=sys.stderr)
        return EXIT_ERROR
    format_name = FORMAT_ALIASES.get(args.format, args.format) or config.output_format or "default"
    if args.show_source:
        if format_name not in ("default", "full"):
            print(f"qlint: --show-source is for text output, not --format {format_name}", file=sys.stderr)
            return EXIT_ERROR
        format_name = "full"
    if args.fix and args.diff:
        print("qlint: --fix and --diff do not go together: --diff shows what --fix would write", file=sys.stderr)
        return EXIT_ERROR
    fix_mode = FixMode(unsafe=args.unsafe_fixes, write=args.fix) if args.fix or args.diff else None
    from_stdin = args.paths == ["-"]
    stdin_source = b""
    edits = format_name in ("json", "sarif")  # only these print a fix's text edits
    if from_stdin:
        result, stdin_source = _lint_stdin(args, settings, discovery, fix_mode, edits)
    else:
        cache = None if args.no_cache or fix_mode is not None else ResultCache.load(_cache_folder(args), settings)
        files = list(discover(args.paths or ["."], discovery))
        if cache is not None:  # before anything reads them
            cache.take_stamps([found.path for found in files if not found.error])
        given = [path for path in args.paths or ["."] if os.path.exists(path)]
        store = None if args.no_cache else summary_store(_cache_folder(args))
        if args.isolated_modules:
            result = run(files, settings, args.jobs, fix_mode, cache, edits)
        elif fix_mode is None:
            from qlint.project.snapshot import kept_context, plan_run

            linted = [found.path for found in files if not found.error]
            planned = plan_run(given, discovery.exclude, linted) if store is not None else None  # once, for both
            kept = kept_context(store, given, discovery.exclude, linted, planned)
            if kept is not None:  # nothing the projects' index is built from has changed
                result = run(files, settings, args.jobs, None, cache, edits, kept)
            else:
                from qlint.whole_project import run_whole_project

                result = run_whole_project(
                    files, settings, args.jobs, cache, edits, given, store, discovery.exclude, planned
                )
        else:
            from qlint.project.context import build_context

            linted = [found.path for found in files if not found.error]
            project = build_context(given, store, discovery.exclude, args.jobs or os.cpu_count() or 1, linted)
            result = run(files, settings, args.jobs, fix_mode, cache, edits, project)
    if fix_mode is not None and not fix_mode.write:
        return _report_diff(result)
    stdin_name = args.stdin_filename or "-"

    def source_lines(path: str) -> list[str]:
        from qlint.screen import decode

        try:
            if from_stdin and path == stdin_name:
                return python_lines(decode(stdin_source))
            with open(path, "rb") as handle:
                return python_lines(decode(handle.read()))
        except (OSError, SyntaxError, UnicodeDecodeError, LookupError):
            return []

    if from_stdin and fix_mode is not None:  # the fixed source is the output; findings go to stderr
        sys.stdout.buffer.write(stdin_source)
        sys.stdout.flush()
        write("default", result.diagnostics, sys.stderr, unsafe_fixes=args.unsafe_fixes)
        return _exit_status(args, result)
    try:
        with _output(args.output_file) as out:
            if args.statistics:
                write_statistics(result.diagnostics, out, rule_name, as_json=format_name == "json",
                                 unsafe_fixes=args.unsafe_fixes)
            else:
                write(format_name, result.diagnostics, out, color=_use_color(args, out, format_name),
                      source_lines=source_lines, unsafe_fixes=args.unsafe_fixes, problems=result.errors)
                if format_name in ("default", "full"):
                    out.write(fix_summary(result.diagnostics, args.unsafe_fixes, result.fixed if args.fix else None))
            out.flush()
    except BrokenPipeError:  # `qlint ... | head`: the reader has what it wanted
        _silence_stdout()
        return EXIT_FINDINGS if result.diagnostics and not args.exit_zero else EXIT_CLEAN
    except OSError as error:
        print(f"qlint: cannot write {args.output_file or 'the output'}: {error.strerror or error}", file=sys.stderr)
        return EXIT_ERROR
    return _exit_status(args, result)


def _exit_status(args: argparse.Namespace, result: RunResult) -> int:
    for error in result.errors:
        print(f"qlint: {error}", file=sys.stderr)
    if result.errors:
        return EXIT_ERROR
    if result.diagnostics and not args.exit_zero:
        return EXIT_FINDINGS
    return EXIT_CLEAN


def _report_diff(result: RunResult) -> int:
    """`--diff`: the diffs on stdout, a count on stderr; exit 1 if there is something to fix."""
    try:
        sys.stdout.write("".join(result.diffs))
        sys.stdout.flush()
    except BrokenPipeError:
        _silence_stdout()
    if result.fixed:
        noun = "finding" if result.fixed == 1 else "findings"
        print(f"Would fix {result.fixed} {noun} in {len(result.diffs)} file{'s' if len(result.diffs) != 1 else ''}.",
              file=sys.stderr)
    for error in result.errors:
        print(f"qlint: {error}", file=sys.stderr)
    if result.errors:
        return EXIT_ERROR
    return EXIT_FINDINGS if result.diffs else EXIT_CLEAN


def _cache_folder(args: argparse.Namespace) -> Path:
    """`--cache-dir`, `$QLINT_CACHE_DIR`, or `.qlint_cache` beside the pyproject.toml of the run, else here."""
    if args.cache_dir or os.environ.get("QLINT_CACHE_DIR"):
        return Path(args.cache_dir or os.environ["QLINT_CACHE_DIR"])
    root = Path.cwd()
    if args.config:
        root = Path(args.config).resolve().parent
    elif not args.isolated:
        start = (args.paths or ["."])[0]
        found = find_config(Path(start) if os.path.exists(start) else Path.cwd())
        if found is not None:
            root = found.resolve().parent
    return root / CACHE_DIR_NAME
