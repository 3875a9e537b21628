"""Every fixture, three ways: the engine, the flake8 plugin, and with `# noqa`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from qlint import lint_source
from tests.fixture_expectations import FIXTURES, as_noqa, expectations, fixture_files

FILES = fixture_files()


def _engine_lines(path: Path, text: bytes) -> list[str]:
    return [d.format() for d in lint_source(text, str(path))]


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_engine_matches_inline_expectations(path: Path) -> None:
    source = path.read_bytes()
    expected = expectations(source.decode("utf-8"))
    found = lint_source(source, str(path))
    got = sorted((d.line, d.code) for d in found)
    assert got == sorted((e.line, e.code) for e in expected)
    by_place = {(d.line, d.code): d.col for d in found}
    for e in expected:
        if e.col is not None:
            assert by_place[(e.line, e.code)] == e.col, f"{path.name}:{e.line} {e.code}"


def test_fixture_names_say_what_they_expect() -> None:
    for path in FILES:
        marks = expectations(path.read_text("utf-8"))
        if path.name.startswith("ok_"):
            assert not marks, f"{path.name} is a negative fixture but expects findings"
        elif path.name.startswith("ql"):
            code = path.name[:5].upper()
            assert any(m.code == code for m in marks), f"{path.name} expects no {code}"


def _flake8(target: Path) -> list[str]:
    files = sorted(str(p) for p in target.glob("*.py"))  # not fixtures/fixed/: goldens are test_fixes's
    command = [sys.executable, "-m", "flake8", "--isolated", "--select", "QL", "-j", "1", *files]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert done.returncode in (0, 1), done.stderr
    return sorted(line for line in done.stdout.splitlines() if line)


@pytest.mark.slow
def test_flake8_plugin_reports_what_the_engine_reports() -> None:
    engine = sorted(line for path in FILES for line in _engine_lines(path, path.read_bytes()))
    assert engine, "the fixtures must produce findings"
    assert _flake8(FIXTURES) == engine


@pytest.mark.slow
@pytest.mark.integration
@pytest.mark.parametrize("blanket", [False, True], ids=["noqa-codes", "noqa-blanket"])
def test_noqa_variant_reports_nothing(tmp_path: Path, blanket: bool) -> None:
    for path in FILES:
        text = as_noqa(path.read_text("utf-8"), blanket)
        (tmp_path / path.name).write_text(text, "utf-8")
        assert lint_source(text, path.name) == [], path.name
    assert _flake8(tmp_path) == []
