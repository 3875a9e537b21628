"""Fix one file: lint, apply the allowed fixes, re-lint, until nothing is left to fix.

Beside the runner, not in `qlint.fixes`: it drives the engine, and the engine uses the
fixes package, so living there would make the two packages import each other.

Every pass re-parses the result, so the next pass's fixes are built on the code as it now
is (two fixes that touched the same statement wait for separate passes). A pass whose
result does not compile is retried one fix at a time, and a fix that breaks the file is
reported and never written.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Callable, Optional, Union

from qlint.diagnostic import SAFE, Diagnostic, Fix
from qlint.engine import FIX_MARKS, FileReport, add_fix_edits, check_source
from qlint.fixes.apply import apply_fixes, compatible, compiles
from qlint.project.view import ProjectView
from qlint.screen import decode
from qlint.settings import Settings

MAX_PASSES = 10


@dataclass
class FixOutcome:
    """The file's bytes after fixing, how many fixes were applied, and the findings left."""

    source: bytes
    fixed: int
    report: FileReport
    errors: list[str] = field(default_factory=list)


def allowed(fix_safety: str, unsafe: bool) -> bool:
    return fix_safety == SAFE or unsafe


def fix_source(
    source: Union[str, bytes], path: str, settings: Settings, *, unsafe: bool, edits: bool = True,
    project: Optional[ProjectView] = None,
) -> FixOutcome:
    """Apply every allowed fix of `source` (bytes in, bytes out: encoding and newlines kept).

    The passes only need each fix's nodes; the findings left get text edits when `edits`
    (for json or sarif output of what remains). `project`: the file's view of its project,
    as the lint that reported the findings had it (a join in another module).
    """
    current = source.encode("utf-8") if isinstance(source, str) else source
    fixed = 0
    errors: list[str] = []
    refused: set[tuple[int, int, str]] = set()  # (line, col, code) of fixes that broke the file
    report = check_source(current, path, settings, fixes=FIX_MARKS, project=project)
    if report.fixes and _apply(report, []) is None:  # the file itself does not compile: no fix is to blame
        _unmark(report, lambda diagnostic: True)
        return FixOutcome(current, 0, report, [f"{path}: not fixed: Python cannot compile this file as it is"])
    for _ in range(MAX_PASSES):
        wanted = [
            (diagnostic, fix) for diagnostic, fix in report.fixes
            if allowed(fix.safety, unsafe) and (diagnostic.line, diagnostic.col, diagnostic.code) not in refused
        ]
        wanted.sort(key=lambda pair: pair[1].safety != SAFE)  # where fixes overlap, the safe one goes first
        if not wanted or report.module is None:
            break
        chosen = compatible(fix for _, fix in wanted)
        result = _apply(report, chosen)
        if result is None:  # the pass broke the file: find the fixes that did
            chosen = [fix for fix in chosen if _apply(report, [fix]) is not None]
            for diagnostic, fix in wanted:
                if fix not in chosen and _apply(report, [fix]) is None:
                    refused.add((diagnostic.line, diagnostic.col, diagnostic.code))
                    errors.append(f"{path}:{diagnostic.line}:{diagnostic.col}: fix for {diagnostic.code} "
                                  "would leave code that does not compile; not applied")
            result = _apply(report, chosen) if chosen else None
            if result is None:
                break
        current = result
        fixed += len(chosen)
        report = check_source(current, path, settings, fixes=FIX_MARKS, project=project)
    else:
        errors.append(f"{path}: fixes still offered after {MAX_PASSES} passes; stopped there")
    # A refused fix is no fix: the findings left do not carry its `[*]`.
    _unmark(report, lambda diagnostic: (diagnostic.line, diagnostic.col, diagnostic.code) in refused)
    if edits:
        add_fix_edits(report, path)
    return FixOutcome(current, fixed, report, errors)


def _unmark(report: FileReport, refused: Callable[[Diagnostic], bool]) -> None:
    """Drop the fixes of the `refused` findings of `report`, and their marks."""
    report.fixes = [(diagnostic, fix) for diagnostic, fix in report.fixes if not refused(diagnostic)]
    report.diagnostics = [replace(d, fix=None) if d.fix is not None and refused(d) else d for d in report.diagnostics]


def _apply(report: FileReport, fixes: list[Fix]) -> Union[bytes, None]:
    """The fixed bytes, or None if they would not compile."""
    assert report.module is not None
    fixed = apply_fixes(report.module, fixes)
    return fixed.bytes if compiles(decode(fixed.bytes)) else None


def changed(before: Union[str, bytes], outcome: FixOutcome) -> bool:
    original = before.encode("utf-8") if isinstance(before, str) else before
    return outcome.source != original
