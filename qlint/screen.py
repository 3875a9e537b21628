"""Can any rule fire in this file? The engine's cheap first steps, without LibCST.

Most files of a project hold no queue, and a run that lints one of them (pre-commit on a
changed file, an editor on save) should not pay for loading LibCST and the rules. The
verdict here asks what the engine would ask first, in the same order: the file's text
(`qlint/evidence.py`), then each enabled rule's `possible()` on CPython's tree
(`qlint/prefilter/`), unless another module of the project makes a rule possible here.
"No" means the engine would report nothing; anything it cannot decide (a file that does
not decode or parse) is left to the engine, which reports it.
"""

from __future__ import annotations

import ast
import io
import tokenize
import warnings
from dataclasses import dataclass
from typing import Optional, Union

from qlint.evidence import may_hold_a_queue
from qlint.project.gates import needed_rules
from qlint.project.view import ProjectView
from qlint.settings import Settings


def decode(source: Union[str, bytes]) -> str:
    """Text of a file as Python reads it: PEP 263 cookie or BOM, else UTF-8."""
    if isinstance(source, str):
        return source
    encoding, _ = tokenize.detect_encoding(io.BytesIO(source).readline)
    text = source.decode(encoding)
    return text[1:] if text.startswith("\ufeff") else text


@dataclass(frozen=True)
class Verdict:
    may_fire: bool
    tree: Optional[ast.Module] = None  # CPython's tree, when it was parsed: the engine reuses it


def screen(source: Union[str, bytes], path: str, settings: Settings, project: Optional[ProjectView] = None) -> Verdict:
    """Whether some enabled rule may fire in `source`; False only when the engine would
    report nothing at all for it. `project`: the file's view of its project, whose answers
    may make a rule possible that the file alone does not (`engine.project_rules`)."""
    from qlint.rules import CODES

    try:
        text = decode(source)
    except (SyntaxError, UnicodeDecodeError, LookupError):
        return Verdict(True)  # the engine names why it cannot read it
    ignored_here = settings.ignored_in(path) if path else ()
    codes = [code for code in CODES if settings.is_enabled(code, ignored_here)]
    if project is not None and set(needed_rules(project, text)) & set(codes):
        return Verdict(True)
    if not codes or not may_hold_a_queue(text, settings):
        return Verdict(False)
    try:
        with warnings.catch_warnings():  # CPython's warnings about the user's code are not ours to print
            warnings.simplefilter("ignore")
            tree = ast.parse(text, filename=path)
    except (SyntaxError, RecursionError, MemoryError, ValueError):
        return Verdict(True)  # a syntax error the engine may report, or newer syntax LibCST knows
    from qlint.prefilter import possible_rules

    return Verdict(bool(possible_rules(tree, codes, settings)), tree)
