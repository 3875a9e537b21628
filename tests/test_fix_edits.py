"""Fix edits on demand: a plain lint renders no module; json/sarif edits cost a fixed
number of module renders per file, whatever the number of fixes (one, when each fix puts
statements or a block in place); the fast edits are the ones the reference way (one
render per fix) gives; a marked fix is a fix that applies."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Callable, Optional

import libcst as cst
import pytest

from qlint.cache import ResultCache
from qlint.cli import main
from qlint.diagnostic import SAFE, Fix
from qlint.engine import FIX_EDITS, FIX_MARKS, NO_FIXES, check_source
from qlint.files import Discovered
from qlint.fixes import edits as fix_edits_module
from qlint.runner import run
from qlint.screen import decode
from qlint.settings import Settings
from tests.fixture_expectations import fixture_files

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
from many_fixes import module_text  # noqa: E402

OVERLAPPING = Path(__file__).parent / "data" / "overlapping_fixes.py"
SOURCES = [*fixture_files(), OVERLAPPING]


@pytest.fixture
def module_renders(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many times a whole module (more than one statement) is rendered to code.

    Positions lay out one top-level statement at a time, in a one-statement module: those
    are not module renders."""
    renders: list[int] = []
    original = cst.Module._codegen_impl

    def counting(self, state, *args, **kwargs):  # type: ignore[no-untyped-def]
        if len(self.body) > 1:
            renders.append(1)
        return original(self, state, *args, **kwargs)

    monkeypatch.setattr(cst.Module, "_codegen_impl", counting)
    return renders


def test_edits_of_many_fixes_cost_one_module_render(module_renders: list[int]) -> None:
    source = module_text(60, correct=False)
    report = check_source(source, "generated.py")  # what json and sarif ask for
    assert len(report.diagnostics) == 60 and all(d.fix is not None and d.fix.edits for d in report.diagnostics)
    # The module as it is; each fix's new block is rendered alone in its place (was the
    # module with all 60 fixes applied too, and before that 2 renders per fix).
    assert len(module_renders) == 1


def test_marking_fixes_renders_nothing(module_renders: list[int]) -> None:
    report = check_source(module_text(60, correct=False), "generated.py", fixes=FIX_MARKS)
    assert all(d.fix is not None and d.fix.edits is None for d in report.diagnostics)
    assert len(report.fixes) == 60 and module_renders == []


def test_flake8_surface_gets_no_fixes_nor_steps() -> None:
    """What flake8 prints (line, column, code, message) is all it gets."""
    shown = 0
    for path in fixture_files():
        full = check_source(path.read_bytes(), str(path), apply_noqa=False)
        bare = check_source(path.read_bytes(), str(path), apply_noqa=False, fixes=NO_FIXES, steps=False)
        assert [(d.line, d.col, d.code, d.message) for d in bare.diagnostics] == [
            (d.line, d.col, d.code, d.message) for d in full.diagnostics]
        assert bare.fixes == [] and all(d.fix is None and d.steps == () for d in bare.diagnostics)
        shown += sum(bool(d.steps) or d.fix is not None for d in full.diagnostics)
    assert shown  # the fixtures do have steps and fixes to leave out


def test_overlapping_fixes_take_one_render_each_round(module_renders: list[int]) -> None:
    report = check_source(OVERLAPPING.read_bytes(), str(OVERLAPPING))
    assert sorted(d.code for d in report.diagnostics if d.fix is not None) == ["QL104", "QL303", "QL304"]
    assert len(module_renders) == 3  # the original; QL303 with one of the overlapping two; the other


@pytest.mark.parametrize("path", SOURCES, ids=[p.name for p in SOURCES])
def test_fast_edits_are_the_reference_edits_and_marks_match_them(path: Path) -> None:
    source = path.read_bytes()
    marked = check_source(source, str(path), fixes=FIX_MARKS)
    shown = check_source(source, str(path), fixes=FIX_EDITS)
    # A fix that is marked applies: the same findings carry a fix with and without edits.
    assert [(d, d.fix is not None) for d in marked.diagnostics] == [(d, d.fix is not None) for d in shown.diagnostics]
    assert marked.errors == shown.errors == []
    if marked.module is None:
        return
    fixes = [fix for _, fix in marked.fixes]
    text = marked.module.code
    reference = [fix_edits_module._alone(marked.module, text, fix, fix_edits_module._LineStarts(text)) for fix in fixes]
    assert fix_edits_module.fix_edits(marked.module, fixes) == reference
    assert [d.fix.edits for d in shown.diagnostics if d.fix is not None] == [
        edits for _, edits in sorted(zip([d for d, _ in marked.fixes], reference))]
    for edits in reference:  # each edit, applied alone, leaves code that compiles
        compile(_applied(decode(source), edits), str(path), "exec", dont_inherit=True)


def _hand_fixes(source: str, pick: Callable[[cst.CSTNode], Optional[cst.CSTNode]]) -> tuple[cst.Module, list[Fix]]:
    """The module of `source`, and one fix per node for which `pick` gives a replacement."""
    module = cst.parse_module(source)
    found: list[Fix] = []

    class Picker(cst.CSTVisitor):
        def on_visit(self, node: cst.CSTNode) -> bool:
            new = pick(node)
            if new is not None:
                found.append(Fix(SAFE, "hand-made", ((node, new),)))
            return True

    module.visit(Picker())
    return module, found


def _reference(module: cst.Module, fixes: list[Fix]) -> list[object]:
    text = module.code
    return [fix_edits_module._alone(module, text, fix, fix_edits_module._LineStarts(text)) for fix in fixes]


def test_an_elif_replaced_stays_an_elif(module_renders: list[int]) -> None:
    """An `elif` is an `If` rendered by its parent `If`: alone it would render as `if`."""
    source = "if a:\n    x()\nelif b:\n    y()\n"
    module, fixes = _hand_fixes(source, lambda n: _body_with_call(n, "z") if isinstance(n, cst.If)
                                and n.test.deep_equals(cst.Name("b")) else None)
    assert len(fixes) == 1
    edits = fix_edits_module.fix_edits(module, fixes)
    assert edits == _reference(module, fixes) and "if" not in str(edits)


def test_a_small_statement_replaced_keeps_its_semicolon() -> None:
    """`pass; b()`: the line, not the statement, writes the `;` between them (without it,
    `ab()` would still compile)."""
    module, fixes = _hand_fixes("pass; b()\n", lambda n: cst.Expr(cst.Name("a")) if isinstance(n, cst.Pass) else None)
    assert len(fixes) == 1
    edits = fix_edits_module.fix_edits(module, fixes)
    assert edits == _reference(module, fixes) and edits[0][0].content == "a"


def test_fixes_inside_one_another_or_on_one_node_take_the_general_way(module_renders: list[int]) -> None:
    """Spliced in one text, a statement and a statement inside it would still compile here."""
    source = "import os\nwhile a:\n    x()\n    y()\n"
    nested, outer_and_inner = _hand_fixes(source, lambda n: _body_with_call(n, "z") if isinstance(n, cst.While)
                                          else cst.SimpleStatementLine([cst.Expr(cst.Call(cst.Name("w")))])
                                          if isinstance(n, cst.SimpleStatementLine) and "y()" in _code_of(n)
                                          else None)
    module, one = _hand_fixes(source, lambda n: _body_with_call(n, "z") if _innermost_block(n) else None)
    same_node = [one[0], Fix(SAFE, "another", ((one[0].changes[0][0], _body_with_call(one[0].changes[0][0], "w")),))]
    for tree, fixes in ((nested, outer_and_inner), (module, same_node)):
        assert len(fixes) == 2
        module_renders.clear()
        edits = fix_edits_module.fix_edits(tree, fixes)
        assert len(module_renders) == 3  # the module, then each fix applied in its own round
        assert edits == _reference(tree, fixes)


def test_a_file_without_a_final_newline_keeps_it_missing(module_renders: list[int]) -> None:
    source = "def f():\n    while True:\n        x()\n\ndef g():\n    while True:\n        y()"
    module, fixes = _hand_fixes(source, lambda n: _body_with_call(n, "z") if _innermost_block(n) else None)
    assert len(fixes) == 2 and not module.has_trailing_newline
    edits = fix_edits_module.fix_edits(module, fixes)
    assert edits == _reference(module, fixes) and edits[1][0].content == "\n        z()"


def test_blocks_replaced_in_place_at_every_depth(module_renders: list[int]) -> None:
    """Tabs, a deeper block, a block after a colon: each put in place as the module would render it."""
    source = "class C:\n\tdef f(self):\n\t\tif a:\n\t\t\tx()  # keep\n\t\t# footer\n\t\ty()\nwhile b: pass\n"
    module, fixes = _hand_fixes(source, lambda n: _body_with_call(n, "z") if _innermost_block(n)
                                else cst.IndentedBlock([cst.SimpleStatementLine([cst.Pass()])])
                                if isinstance(n, cst.SimpleStatementSuite) else None)
    assert len(fixes) == 2
    edits = fix_edits_module.fix_edits(module, fixes)
    assert len(module_renders) == 1
    assert edits == _reference(module, fixes)


def _innermost_block(node: cst.CSTNode) -> bool:
    return isinstance(node, cst.IndentedBlock) and not any(isinstance(s, cst.BaseCompoundStatement) for s in node.body)


def _code_of(node: cst.CSTNode) -> str:
    return cst.Module([]).code_for_node(node)


def _body_with_call(node: cst.CSTNode, name: str) -> Optional[cst.CSTNode]:
    """`node`, a block or a compound statement, with `name()` added to its body's statements."""
    block = node if isinstance(node, cst.IndentedBlock) else getattr(node, "body", None)
    if not isinstance(block, cst.IndentedBlock):
        return None
    extra = cst.SimpleStatementLine([cst.Expr(cst.Call(cst.Name(name)))])
    new_block = block.with_changes(body=[*block.body, extra])
    return new_block if node is block else node.with_changes(body=new_block)


def _applied(text: str, edits: tuple) -> str:  # type: ignore[type-arg]
    lines = text.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))
    for edit in sorted(edits, reverse=True):
        begin = starts[edit.line - 1] + edit.col - 1
        end = starts[edit.end_line - 1] + edit.end_col - 1
        text = text[:begin] + edit.content + text[end:]
    return text


def test_a_cache_filled_without_edits_does_not_serve_json(tmp_path: Path) -> None:
    path = tmp_path / "many.py"
    path.write_text(module_text(3, correct=False), encoding="utf-8")
    files = [Discovered(str(path))]
    settings = Settings()
    plain = run(files, settings, jobs=1, cache=ResultCache.load(tmp_path / "cache", settings), edits=False)
    assert all(d.fix is not None and d.fix.edits is None for d in plain.diagnostics)
    again = run(files, settings, jobs=1, cache=ResultCache.load(tmp_path / "cache", settings), edits=True)
    assert all(d.fix is not None and d.fix.edits for d in again.diagnostics)
    served = run(files, settings, jobs=1, cache=ResultCache.load(tmp_path / "cache", settings), edits=True)
    assert [d.fix for d in served.diagnostics] == [d.fix for d in again.diagnostics]
    text_run = run(files, settings, jobs=1, cache=ResultCache.load(tmp_path / "cache", settings), edits=False)
    assert [d.fix is not None for d in text_run.diagnostics] == [True] * 3


def test_json_through_the_cache_keeps_its_edits(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "many.py"
    path.write_text(module_text(2, correct=False), encoding="utf-8")
    cache = ["--cache-dir", str(tmp_path / "cache")]
    main([*cache, str(path)])
    assert "[*]" in capsys.readouterr().out
    main([*cache, "--format", "json", str(path)])
    found = json.loads(capsys.readouterr().out)
    assert [len(item["fix"]["edits"]) for item in found] == [1, 1]
