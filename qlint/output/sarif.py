"""SARIF 2.1.0, for code scanning: rules with their documentation, results, for a
finding that has steps (QL102) a code flow that walks the path to the bug, and for a
fixable one the fix as replacements.

Paths are relative to the repository root, named `%SRCROOT%` (code scanning resolves
it against the checkout); files that could not be checked are the invocation's
notifications.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Optional, Sequence, TextIO
from urllib.parse import quote

from qlint import __version__
from qlint.diagnostic import Diagnostic, Problem

if TYPE_CHECKING:
    from qlint.rules.base import Rule

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


SRCROOT = "%SRCROOT%"


def source_root(start: Optional[Path] = None) -> Path:
    """The repository the run is in (the nearest folder with `.git`), else the current folder."""
    here = (start or Path.cwd()).absolute()
    return next((folder for folder in (here, *here.parents) if (folder / ".git").exists()), here)


def _artifact(path: str, root: Path) -> dict[str, str]:
    """`path` relative to the root, as `%SRCROOT%` URIs are; an absolute URI if it is outside."""
    absolute = Path(os.path.abspath(path))
    try:
        return {"uri": quote(absolute.relative_to(root).as_posix()), "uriBaseId": SRCROOT}
    except ValueError:
        return {"uri": absolute.as_uri()}


def _region(line: int, col: int, end_line: int = 0, end_col: int = 0) -> dict[str, int]:
    return {"startLine": line, "startColumn": col, "endLine": end_line or line, "endColumn": end_col or col}


def _plain(markdown: str) -> str:
    """The page without Markdown's marks, for readers that show `help.text` as it is."""
    lines = [line for line in markdown.splitlines() if not line.startswith("```")]
    return re.sub(r"^#+ |`", "", "\n".join(lines), flags=re.M)


def _rule(rule: Rule) -> dict[str, object]:
    from qlint.output import rule_url

    what = rule.doc.split("## What it does", 1)[-1].split("##", 1)[0].strip()
    described: dict[str, object] = {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.message},
        "fullDescription": {"text": " ".join(what.split())},
        "help": {"text": _plain(rule.doc), "markdown": rule.doc},
        "defaultConfiguration": {"level": "error"},
    }
    url = rule_url(rule.code)
    if url is not None:
        described["helpUri"] = url
    return described


def _notification(problem: Problem, root: Path) -> dict[str, object]:
    return {
        "level": "error",
        "message": {"text": problem.message},
        "locations": [{"physicalLocation": {"artifactLocation": _artifact(problem.path, root)}}],
    }


def _result(d: Diagnostic, index: dict[str, int], root: Path) -> dict[str, object]:
    location = {"physicalLocation": {"artifactLocation": _artifact(d.path, root), "region": _region(
        d.line, d.col, d.end_line, d.end_col)}}
    result: dict[str, object] = {
        "ruleId": d.code,
        "level": "error",
        "message": {"text": d.message},
        "locations": [location],
    }
    if d.code in index:
        result["ruleIndex"] = index[d.code]
    if d.steps or d.related:
        steps = d.steps or ((d.line, d.col, "here"),)
        flow = [(d.path, line, col, what) for line, col, what in steps]
        flow += list(d.related)  # a join in another file of the project (qlint/project/)
        result["codeFlows"] = [{"threadFlows": [{"locations": [
            {"location": {"physicalLocation": {"artifactLocation": _artifact(path, root),
                                               "region": _region(line, col)},
                          "message": {"text": what}}}
            for path, line, col, what in flow
        ]}]}]
    if d.fix is not None:
        result["fixes"] = [{
            "description": {"text": f"{d.fix.title} ({d.fix.safety} fix)"},
            "artifactChanges": [{
                "artifactLocation": _artifact(d.path, root),
                "replacements": [
                    {"deletedRegion": {"startLine": e.line, "startColumn": e.col, "endLine": e.end_line,
                                       "endColumn": e.end_col},
                     "insertedContent": {"text": e.content}}
                    for e in d.fix.edits or ()
                ],
            }],
        }]
    return result


def document(diagnostics: list[Diagnostic], problems: Sequence[Problem] = ()) -> dict[str, object]:
    from qlint.rules import RULES

    index = {rule.code: i for i, rule in enumerate(RULES)}
    root = source_root()
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "qlint", "version": __version__, "rules": [_rule(r) for r in RULES]}},
            "originalUriBaseIds": {SRCROOT: {"uri": root.as_uri() + "/"}},
            "invocations": [{
                "executionSuccessful": not problems,
                "toolExecutionNotifications": [_notification(p, root) for p in problems],
            }],
            "results": [_result(d, index, root) for d in diagnostics],
        }],
    }


def write(diagnostics: list[Diagnostic], out: TextIO, problems: Sequence[Problem] = (), **_: object) -> None:
    json.dump(document(diagnostics, problems), out, indent=2)
    out.write("\n")
