"""Fix edits on demand: a plain lint renders no module; json/sarif edits cost a fixed
number of module renders per file, whatever the number of fixes; the fast edits are the
ones the reference way (one render per fix) gives; a marked fix is a fix that applies."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import libcst as cst
import pytest

from qlint.cache import ResultCache
from qlint.cli import main
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


def test_edits_of_many_fixes_cost_two_module_renders(module_renders: list[int]) -> None:
    source = module_text(60, correct=False)
    report = check_source(source, "generated.py")  # what json and sarif ask for
    assert len(report.diagnostics) == 60 and all(d.fix is not None and d.fix.edits for d in report.diagnostics)
    assert len(module_renders) == 2  # the module as it is, and with all 60 fixes applied (was 2 per fix)


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
