"""The engine every surface calls: source -> parse -> facts -> rules -> noqa -> findings."""

from __future__ import annotations

import ast
import io
import tokenize
import warnings
from dataclasses import dataclass, field, replace
from typing import Optional, Union

import libcst as cst

from qlint.analysis.facts import module_facts
from qlint.collector import collector_paused
from qlint.diagnostic import Diagnostic, Fix, FixSummary
from qlint.evidence import may_hold_a_queue, user_class_names
from qlint.fixes.edits import BreaksCode, DoesNotCompile, fix_edits
from qlint.noqa import NoqaMap
from qlint.positions import spans
from qlint.prefilter import possible_rules
from qlint.project.view import MADE_RULES, ProjectView
from qlint.rules import RULES, SYNTAX_ERROR
from qlint.rules.base import Finding, Rule, as_finding
from qlint.screen import decode
from qlint.settings import Settings


@dataclass
class FileReport:
    """Findings for one file, and what could not be done (rule crashes).

    For `--fix`, also the parsed module and the fixes of the findings not silenced by
    `# noqa`, whose nodes belong to that module.
    """

    diagnostics: list[Diagnostic] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    module: Optional[cst.Module] = None
    fixes: list[tuple[Diagnostic, Fix]] = field(default_factory=list)
    ran: frozenset[str] = frozenset()  # the codes of the rules run on LibCST's tree
    tree: Optional[ast.Module] = None  # CPython's tree, when the engine parsed the file (or was given it)


DEFAULT_SETTINGS = Settings()

# What a surface shows of each finding's fix: nothing (flake8); that there is one, its
# safety and title (the `[*]` mark of text output, `--fix`); or also its text edits (json,
# sarif). Only the last renders the module: once per file, not once per fix.
NO_FIXES, FIX_MARKS, FIX_EDITS = "none", "marks", "edits"


def lint_source(source: Union[str, bytes], path: str, settings: Settings = DEFAULT_SETTINGS) -> list[Diagnostic]:
    """Findings for one file's source, sorted, `# noqa` applied."""
    return check_source(source, path, settings).diagnostics


def rules_for(text: str, settings: Settings, path: str = "") -> list[Rule]:
    """The enabled rules whose text gate passes: only they can fire, only they run.

    Running no other rule keeps a rule's findings independent of which others are selected.
    """
    ignored_here = settings.ignored_in(path) if path else ()
    # The gates know the built-in classes' names (each ends in `Queue`); a class of the
    # user's own may be called anything: where its name appears, every gate passes.
    if any(name in text for name in user_class_names(settings)):
        return [rule for rule in RULES if settings.is_enabled(rule.code, ignored_here)]
    if not may_hold_a_queue(text, settings):
        return []
    passed: dict[object, bool] = {}  # seven rules share the consumer gate: ask each gate once
    chosen = []
    for rule in RULES:
        if settings.is_enabled(rule.code, ignored_here):
            if rule.gate not in passed:
                passed[rule.gate] = rule.gate(text)
            if passed[rule.gate]:
                chosen.append(rule)
    return chosen


def project_rules(project: Optional[ProjectView], text: str, settings: Settings, path: str = "") -> list[Rule]:
    """Enabled rules that the project's answers make possible though the file's text alone
    does not pass their gates: `client.inbox.put(x)` of an asyncio queue built elsewhere."""
    if project is None:
        return []
    from qlint.project.gates import needed_rules

    codes = needed_rules(project, text)
    ignored_here = settings.ignored_in(path) if path and codes else ()
    return [rule for rule in RULES if rule.code in codes and settings.is_enabled(rule.code, ignored_here)]


@collector_paused()  # one file's trees and analysis: freed by reference counts, not by collections
def check_source(
    source: Union[str, bytes],
    path: str,
    settings: Settings = DEFAULT_SETTINGS,
    *,
    apply_noqa: bool = True,
    tree: Optional[ast.Module] = None,
    fixes: str = FIX_EDITS,
    steps: bool = True,
    project: Optional[ProjectView] = None,
) -> FileReport:
    """Lint one file; never raises on bad input. `project`: what the other modules of its
    project say about this one's queues (qlint/project/), None to judge it alone. `tree` is CPython's tree of `source`
    when the caller has it already (flake8 does). `fixes` says how much of each fix the
    surface shows (NO_FIXES, FIX_MARKS, FIX_EDITS); `steps=False` skips placing the steps
    of a finding's path, for a surface that does not print them."""
    report = FileReport()
    try:
        text = decode(source)
    except (SyntaxError, UnicodeDecodeError, LookupError) as error:
        report.diagnostics.append(Diagnostic(path, 1, 1, SYNTAX_ERROR, f"cannot decode file: {_one_line(error)}"))
        return report
    rules = rules_for(text, settings, path)
    project = project.in_file(path) if project is not None else None  # an `__init__.py` resolves `.x` inside itself
    extra = project_rules(project, text, settings, path)  # what another module's answers make possible here
    rules += [rule for rule in extra if rule not in rules]
    if not rules:
        return report
    # CPython's parser first: cheap, exact about syntax errors, and it shields LibCST
    # (whose native parser can overflow the C stack) from pathologically deep nesting.
    try:
        if tree is None:
            with warnings.catch_warnings():  # CPython's warnings about the user's code are not ours to print
                warnings.simplefilter("ignore")
                tree = ast.parse(text, filename=path)
    except SyntaxError as error:
        # Perhaps syntax newer than this Python (pre-commit often runs another one than the
        # project's): LibCST may know it. Then analyse without the tree's gate.
        module = _parse_newer_syntax(source, text)
        if module is None:
            report.diagnostics.append(_syntax_error(path, error))
            return report
        return _analyse(report, module, None, text, rules, path, settings, apply_noqa, fixes, steps, project)
    except (RecursionError, MemoryError, ValueError) as error:
        report.errors.append(f"{path}: cannot parse: {type(error).__name__}: {_one_line(error)}")
        return report
    report.tree = tree
    # The second, sharper gate: on CPython's tree, which rules could fire at all. LibCST's
    # parse (about 9x CPython's) is paid only for files where one could.
    # A queue attribute another module builds is evidence the prefilter can weigh, for the
    # rules it makes needed (and for those alone: the first pass of a whole-project run
    # judged the others without it). A target or a helper of another module is not: the
    # rules those make needed always run.
    weighed = [rule.code for rule in extra if rule.code in MADE_RULES]
    possible = possible_rules(tree, [rule.code for rule in rules if rule.code not in weighed], settings)
    if project is not None and weighed:
        possible |= possible_rules(tree, weighed, settings, project.made_classes(text))
    rules = [rule for rule in rules if rule.code in possible or (rule in extra and rule.code not in MADE_RULES)]
    if not rules:
        return report
    if nesting_exceeds(tree, MAX_NESTING):
        report.errors.append(f"{path}: nested more than {MAX_NESTING} levels deep: not analysed")
        return report
    try:
        module = cst.parse_module(source)
    except Exception as error:  # valid for CPython, not for LibCST: new syntax
        report.diagnostics.append(_libcst_failure(path, error))
        return report
    return _analyse(report, module, tree, text, rules, path, settings, apply_noqa, fixes, steps, project)


def _parse_newer_syntax(source: Union[str, bytes], text: str) -> Optional[cst.Module]:
    """LibCST's parse of a file CPython refused, or None if LibCST refuses it too.

    Without CPython's tree to measure nesting, the tokens do it: LibCST is not risked on
    a file nested deeper than the engine would analyse anyway.
    """
    if _token_nesting_exceeds(text, MAX_NESTING):
        return None
    try:
        return cst.parse_module(source)
    except Exception:
        return None


def _token_nesting_exceeds(text: str, limit: int) -> bool:
    """True if brackets and indents nest deeper than `limit`, or the text does not tokenize."""
    depth = 0
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type in (tokenize.INDENT, tokenize.DEDENT):
                depth += 1 if token.type == tokenize.INDENT else -1
            elif token.type == tokenize.OP and token.string in "([{":
                depth += 1
            elif token.type == tokenize.OP and token.string in ")]}":
                depth -= 1
            if depth > limit:
                return True
    except (tokenize.TokenError, SyntaxError, RecursionError, MemoryError, ValueError, SystemError):
        # SystemError: the C tokenizer of Python 3.12 and 3.13 raises it on a NUL byte.
        return True
    return False


def _analyse(
    report: FileReport,
    module: cst.Module,
    tree: Optional[ast.Module],
    text: str,
    rules: list[Rule],
    path: str,
    settings: Settings,
    apply_noqa: bool,
    fixes: str,
    steps: bool,
    project: Optional[ProjectView] = None,
) -> FileReport:
    """Facts, rules, places and `# noqa`, on a parsed module (and CPython's tree, when there is one)."""
    report.ran = frozenset(rule.code for rule in rules)
    try:
        facts = module_facts(module, settings, project)
    except RecursionError:
        report.errors.append(f"{path}: too deeply nested to analyse")
        return report
    except Exception as error:  # a bug in qlint: name the file, keep going
        report.errors.append(f"{path}: internal error while analysing: {type(error).__name__}: {_one_line(error)}")
        return report
    found: list[tuple[Finding, str, str]] = []
    for rule in rules:
        try:
            for item in rule.check(facts):
                finding = as_finding(item)
                found.append((finding, rule.code, finding.message or rule.message))
        except Exception as error:
            report.errors.append(f"{path}: rule {rule.code} crashed: {type(error).__name__}: {_one_line(error)}")
    if not found:
        return report
    wanted = [f.node for f, _, _ in found] + ([node for f, _, _ in found for node, _ in f.steps] if steps else [])
    wanted += [node for f, _, _ in found for node in f.mentions]
    try:
        where = spans(module, tree, wanted, facts.record.top_of)
    except RecursionError:
        report.errors.append(f"{path}: too deeply nested to place its findings")
        return report
    noqa = NoqaMap(text) if apply_noqa else None
    diagnostics: dict[Diagnostic, Diagnostic] = {}
    for finding, code, message in found:
        span = where[id(finding.node)]
        if noqa is not None and noqa.silences(span.line, code):
            continue
        path_steps = tuple((where[id(node)].line, where[id(node)].col, what) for node, what in finding.steps) if steps else ()
        if finding.mentions:
            message = message.format(*(where[id(node)].line for node in finding.mentions))
        diagnostic = Diagnostic(path, span.line, span.col, code, message, span.end_line, span.end_col, path_steps,
                                related=finding.related)
        if diagnostic in diagnostics:
            continue
        # A fix is checked by compiling its result, which this Python cannot do without a tree.
        if finding.fix is not None and finding.fix.changes and fixes != NO_FIXES and tree is not None:
            report.fixes.append((diagnostic, finding.fix))
            diagnostic = replace(diagnostic, fix=FixSummary(finding.fix.safety, finding.fix.title))
        diagnostics[diagnostic] = diagnostic
    report.diagnostics = sorted(diagnostics)
    report.module = module
    if fixes == FIX_EDITS:
        add_fix_edits(report, path)
    return report


def add_fix_edits(report: FileReport, path: str) -> None:
    """Give each fix summary of `report` its text edits (one module render for all of them).

    A fix that cannot be applied (a bug in the fix), or whose result does not compile, is
    dropped and named: the finding stands, without it. No fix is offered in a file that
    does not compile as it is: `--fix` would refuse them all.
    """
    if report.module is None or not report.fixes:
        return
    computed = fix_edits(report.module, [fix for _, fix in report.fixes])
    summaries: dict[Diagnostic, Optional[FixSummary]] = {}
    kept: list[tuple[Diagnostic, Fix]] = []
    if any(isinstance(edits, DoesNotCompile) for edits in computed):
        report.errors.append(f"{path}: no fix offered: Python cannot compile this file as it is")
    for (diagnostic, fix), edits in zip(report.fixes, computed):
        if isinstance(edits, DoesNotCompile):
            summaries[diagnostic] = None
            continue
        if isinstance(edits, BreaksCode):
            report.errors.append(f"{path}:{diagnostic.line}:{diagnostic.col}: fix for {diagnostic.code} "
                                 "would leave code that does not compile; not offered")
            summaries[diagnostic] = None
            continue
        if isinstance(edits, Exception):
            report.errors.append(f"{path}: fix for {diagnostic.code} crashed: {type(edits).__name__}: {_one_line(edits)}")
            summaries[diagnostic] = None
            continue
        summaries[diagnostic] = FixSummary(fix.safety, fix.title, edits)
        kept.append((diagnostic, fix))
    report.fixes = kept
    report.diagnostics = [replace(d, fix=summaries[d]) if d in summaries else d for d in report.diagnostics]


# Deeper than this, LibCST's recursive parser and layout are at risk; no real code gets here.
MAX_NESTING = 100


def nesting_exceeds(tree: ast.AST, limit: int) -> bool:
    """True if the syntax tree is deeper than `limit` (walked without recursion).

    Level by level, `ast.iter_child_nodes` inlined: half the time of a stack of (node, depth).
    """
    level = [tree]
    for _ in range(limit + 1):
        deeper: list[ast.AST] = []
        for node in level:
            for name in node._fields:
                value = getattr(node, name, None)
                if isinstance(value, ast.AST):
                    deeper.append(value)
                elif isinstance(value, list):
                    for item in value:
                        if isinstance(item, ast.AST):
                            deeper.append(item)
        if not deeper:
            return False
        level = deeper  # the nodes one deeper than the last level
    return True


def _syntax_error(path: str, error: SyntaxError) -> Diagnostic:
    """QL000 where CPython places the error."""
    line, col = error.lineno or 1, error.offset or 1
    return Diagnostic(path, max(line, 1), max(col, 1), SYNTAX_ERROR, f"syntax error: {_one_line(error.msg)}")


def _libcst_failure(path: str, error: Exception) -> Diagnostic:
    """QL000 for a file CPython accepts and LibCST does not (syntax newer than LibCST)."""
    detail = error.message if isinstance(error, cst.ParserSyntaxError) else type(error).__name__
    line = error.raw_line if isinstance(error, cst.ParserSyntaxError) else 1
    column = error.raw_column + 1 if isinstance(error, cst.ParserSyntaxError) else 1
    return Diagnostic(
        path, max(line, 1), max(column, 1), SYNTAX_ERROR,
        f"LibCST cannot parse this file, so it was not checked: {_one_line(detail)}",
    )


def _one_line(error: object) -> str:
    return " ".join(str(error).split())
