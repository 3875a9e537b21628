"""`qlint.screen` says "no rule can fire" only where the engine reports nothing, and a run
of a few files that no rule can reach never loads LibCST."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from qlint.engine import DEFAULT_SETTINGS, check_source
from qlint.screen import screen
from qlint.settings import Settings
from tests.fixture_expectations import expectations, fixture_files

_FIXTURES = fixture_files()


@pytest.mark.parametrize("path", _FIXTURES, ids=[p.name for p in _FIXTURES])
def test_no_rule_can_fire_only_where_the_engine_finds_nothing(path: Path) -> None:
    source = path.read_bytes()
    verdict = screen(source, str(path), DEFAULT_SETTINGS)
    if expectations(source.decode("utf-8")):
        assert verdict.may_fire, "a fixture with findings was screened out"
    if not verdict.may_fire:
        assert check_source(source, str(path)).diagnostics == []


def test_a_rule_deselected_for_the_file_is_not_asked(tmp_path: Path) -> None:
    source = next(p for p in _FIXTURES if p.name.startswith("ql104")).read_bytes()
    assert screen(source, "w.py", DEFAULT_SETTINGS).may_fire
    assert not screen(source, "w.py", Settings(select=("QL9",))).may_fire
    assert not screen(source, "w.py", Settings(per_file_ignores=(("w.py", ("QL",)),))).may_fire


def test_what_the_engine_must_judge_is_left_to_it() -> None:
    """A file that does not decode or parse may be a QL000 the engine reports."""
    assert screen(b"# -*- coding: nonsense -*-\nq = 1\n", "a.py", DEFAULT_SETTINGS).may_fire
    assert screen("queue = (\n", "a.py", DEFAULT_SETTINGS).may_fire
    assert check_source("queue = (\n", "a.py").diagnostics == []  # the engine's own gates decide


def test_linting_a_file_no_rule_can_reach_does_not_load_libcst(tmp_path: Path) -> None:
    queue_free = tmp_path / "plain.py"
    queue_free.write_text("import os\n\nprint(os.getcwd())\n")
    no_loop = tmp_path / "no_loop.py"
    no_loop.write_text("import queue\n\njobs = queue.Queue()\njobs.put(1)\n")  # a queue, no rule's shape
    script = (
        "import sys\n"
        "from qlint.cli import main\n"
        f"status = main(['--no-cache', '--isolated-modules', {str(queue_free)!r}, {str(no_loop)!r}])\n"
        "assert status == 0, status\n"
        "assert 'libcst' not in sys.modules, 'LibCST loaded for files no rule can fire on'\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
