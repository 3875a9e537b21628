"""One JSON object per finding, in a list (ruff's `json` shape, plus the rule's name).

A file qlint could not (fully) check is one more object of the same shape, after the
findings: code `QL000`, name `error`, at line 1, so a reader of the list needs no new case.
"""

from __future__ import annotations

import json
from typing import Optional, Sequence, TextIO

from qlint.diagnostic import Diagnostic, Problem


def as_object(d: Diagnostic) -> dict[str, object]:
    from qlint.output import rule_name, rule_url

    return {
        "code": d.code,
        "name": rule_name(d.code),
        "message": d.message,
        "filename": d.path,
        "location": {"row": d.line, "column": d.col},
        "end_location": {"row": d.end_line or d.line, "column": d.end_col or d.col},
        "fix": fix_object(d),
        "url": rule_url(d.code),
    }


def fix_object(d: Diagnostic) -> Optional[dict[str, object]]:
    """ruff's `fix`: applicability, a message, and edits with 1-based, end-exclusive places."""
    if d.fix is None:
        return None
    return {
        "applicability": d.fix.safety,
        "message": d.fix.title,
        "edits": [
            {
                "content": edit.content,
                "location": {"row": edit.line, "column": edit.col},
                "end_location": {"row": edit.end_line, "column": edit.end_col},
            }
            for edit in d.fix.edits or ()
        ],
    }


def error_object(problem: Problem) -> dict[str, object]:
    start = {"row": 1, "column": 1}
    return {"code": "QL000", "name": "error", "message": problem.message, "filename": problem.path,
            "location": start, "end_location": start, "fix": None, "url": None}


def write(diagnostics: list[Diagnostic], out: TextIO, problems: Sequence[Problem] = (), **_: object) -> None:
    json.dump([as_object(d) for d in diagnostics] + [error_object(p) for p in problems], out, indent=2)
    out.write("\n")
