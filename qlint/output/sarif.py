"""SARIF 2.1.0, for code scanning: rules with their documentation, results, for a
finding that has steps (QL102) a code flow that walks the path to the bug, and for a
fixable one the fix as replacements."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TextIO

from qlint import __version__
from qlint.diagnostic import Diagnostic

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def _uri(path: str) -> str:
    relative = os.path.relpath(path) if os.path.isabs(path) else path
    return Path(relative).as_posix()


def _region(line: int, col: int, end_line: int = 0, end_col: int = 0) -> dict[str, int]:
    return {"startLine": line, "startColumn": col, "endLine": end_line or line, "endColumn": end_col or col}


def _rule(rule) -> dict[str, object]:  # type: ignore[no-untyped-def]
    what = rule.doc.split("## What it does", 1)[-1].split("##", 1)[0].strip()
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.message},
        "fullDescription": {"text": " ".join(what.split())},
        "help": {"text": rule.doc, "markdown": rule.doc},
        "defaultConfiguration": {"level": "error"},
    }


def _result(d: Diagnostic, index: dict[str, int]) -> dict[str, object]:
    location = {"physicalLocation": {"artifactLocation": {"uri": _uri(d.path)}, "region": _region(
        d.line, d.col, d.end_line, d.end_col)}}
    result: dict[str, object] = {
        "ruleId": d.code,
        "level": "error",
        "message": {"text": d.message},
        "locations": [location],
    }
    if d.code in index:
        result["ruleIndex"] = index[d.code]
    if d.steps:
        result["codeFlows"] = [{"threadFlows": [{"locations": [
            {"location": {"physicalLocation": {"artifactLocation": {"uri": _uri(d.path)},
                                               "region": _region(line, col)},
                          "message": {"text": what}}}
            for line, col, what in d.steps
        ]}]}]
    if d.fix is not None:
        result["fixes"] = [{
            "description": {"text": f"{d.fix.title} ({d.fix.safety} fix)"},
            "artifactChanges": [{
                "artifactLocation": {"uri": _uri(d.path)},
                "replacements": [
                    {"deletedRegion": {"startLine": e.line, "startColumn": e.col, "endLine": e.end_line,
                                       "endColumn": e.end_col},
                     "insertedContent": {"text": e.content}}
                    for e in d.fix.edits or ()
                ],
            }],
        }]
    return result


def document(diagnostics: list[Diagnostic]) -> dict[str, object]:
    from qlint.rules import RULES

    index = {rule.code: i for i, rule in enumerate(RULES)}
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "qlint", "version": __version__, "rules": [_rule(r) for r in RULES]}},
            "results": [_result(d, index) for d in diagnostics],
        }],
    }


def write(diagnostics: list[Diagnostic], out: TextIO, **_: object) -> None:
    json.dump(document(diagnostics), out, indent=2)
    out.write("\n")
