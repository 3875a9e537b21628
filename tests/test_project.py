"""What the project says about itself holds: the Pythons it supports, the CI tiers, the
README's commands and counts, and no reference to a document users do not have."""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests import test_fuzz

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
CI = (ROOT / ".ci" / "run").read_text("utf-8")
README = (ROOT / "README.md").read_text("utf-8")


def _ci_setting(name: str) -> str:
    match = re.search(rf"^{name}=\(?([^)\n]*)\)?$", CI, re.MULTILINE)
    assert match, f".ci/run sets no {name}"
    return match.group(1)


def _floor() -> tuple[int, int]:
    match = re.fullmatch(r">=(\d+)\.(\d+)", PROJECT["requires-python"])
    assert match, PROJECT["requires-python"]
    return int(match.group(1)), int(match.group(2))


def test_the_supported_pythons_are_the_ones_ci_runs() -> None:
    versions = _ci_setting("VERSIONS").split()
    classified = [
        c.rsplit(" :: ", 1)[1] for c in PROJECT["classifiers"] if re.fullmatch(r"Programming Language :: Python :: 3\.\d+", c)
    ]
    assert classified == versions
    assert versions[0] == "{}.{}".format(*_floor())
    assert _ci_setting("MAIN") in versions
    assert "{}.{}".format(*sys.version_info[:2]) in versions, "this Python is not one qlint supports"


def test_every_python_file_parses_on_the_oldest_supported_python() -> None:
    files = [p for folder in ("qlint", "tests", "fixtures", "bench") for p in sorted((ROOT / folder).rglob("*.py"))]
    assert len(files) > 100
    for path in files:
        try:
            ast.parse(path.read_text("utf-8"), filename=str(path), feature_version=_floor())
        except SyntaxError as error:
            pytest.fail(f"{path.relative_to(ROOT)}: not Python {'{}.{}'.format(*_floor())}: {error}")


def test_readme_starts_with_one_command_each_then_the_tiers() -> None:
    lines = README.splitlines()
    assert lines[3:5] == [
        "python3 -m venv .venv && .venv/bin/pip install . && .venv/bin/qlint fixtures/",
        "python3 -m venv .venv && .venv/bin/pip install '.[test]' && .venv/bin/python -m pytest",
    ]
    assert lines[8].startswith(".venv/bin/python -m pytest --tier fast ")
    assert lines[9].startswith(".venv/bin/python -m pytest --tier full ")


def test_readme_fuzzing_counts_are_the_tests() -> None:
    flat = " ".join(README.split())
    ci = re.search(r"CI runs (\d+) programs per fuzz test", flat)
    assert ci and int(ci.group(1)) == test_fuzz.EXAMPLES
    long_run = re.search(r"`(QLINT_FUZZ_EXAMPLES=\d+ python -m pytest [^`]+)` is the long run", flat)
    assert long_run, "the README names the long fuzz run"
    docstring = " ".join((test_fuzz.__doc__ or "").split())
    assert f"`{long_run.group(1)}` is the long run" in docstring
    assert f"CI runs EXAMPLES ({test_fuzz.EXAMPLES}) programs per test" in docstring


def test_no_reference_to_a_spec_users_do_not_have() -> None:
    marker = "SPEC" + " §"
    texts = [ROOT / "README.md", ROOT / "pyproject.toml", ROOT / ".ci" / "run"]
    texts += [p for folder in ("qlint", "tests", "docs", "bench", "fixtures") for p in (ROOT / folder).rglob("*.*")
              if p.suffix in (".py", ".md", ".toml", ".yaml", ".txt")]
    found = [str(p.relative_to(ROOT)) for p in texts if marker in p.read_text("utf-8")]
    assert not found


def _collected(*args: str) -> set[str]:
    command = [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", *args]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return {line for line in done.stdout.splitlines() if "::" in line}


@pytest.mark.slow
def test_the_tiers_split_the_suite() -> None:
    fast, full = _collected("--tier", "fast"), _collected("--tier", "full")
    assert fast and full and not fast & full  # and together everything: in_full_tier decides each test
    for expected in (
        "tests/test_prefilter_soundness.py::test_corpus_output_is_the_same_without_the_prefilter[default]",
        "tests/test_bad_input.py::test_corpus_output_does_not_depend_on_jobs",
        "tests/test_prefilter.py::test_library_findings_were_possible",
    ):
        assert expected in full
    assert any(t.startswith("tests/test_runtime.py::test_demo_behaves_as_its_header_says[") for t in full)
    # One flake8 and one pre-commit integration stay in the fast tier.
    assert "tests/test_fixtures.py::test_flake8_plugin_reports_what_the_engine_reports" in fast
    assert "tests/test_precommit.py::test_hook_fails_on_a_bad_file_and_passes_on_a_good_one" in fast
    assert any("test_fuzz.py" in t for t in fast)


def test_hypothesis_in_ci_is_derandomized_and_keeps_its_health_checks() -> None:
    from hypothesis import HealthCheck, settings

    profile = settings.get_profile("ci")
    assert profile.derandomize and profile.print_blob and profile.database is None
    assert not profile.suppress_health_check, "Hypothesis' own ci profile switches off too_slow"
    if os.environ.get("CI"):
        assert settings.default.derandomize, "CI is set: the 'ci' profile must be loaded"
    assert settings.default.print_blob
    assert list(test_fuzz.FUZZ.suppress_health_check) == []
    assert list(test_fuzz.GRAMMAR_FUZZ.suppress_health_check) == [HealthCheck.filter_too_much]
