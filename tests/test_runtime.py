"""Every rule proves itself at run time: its demo hangs, raises, or exits non-zero.

A fixture may carry, in its first five lines, `# runtime: hangs`, `# runtime: raises
NAME`, `# runtime: exit N` or `# runtime: ok`; a fixable one also `# runtime-fixed: ...`,
which its golden in fixtures/fixed/ (the file after `--fix --unsafe-fixes`) must obey.
Each such file runs in its own process. A few run at a time, so the sleep margins the demos rely on hold on a busy
machine.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import pytest

from qlint.rules import RULES
from tests.fixture_expectations import FIXTURES, expectations, fixture_files

_HEADER = re.compile(r"^# runtime(?P<fixed>-fixed)?: (?P<what>hangs|ok|raises \S+|exit \d+)\s*$")
HANG_SECONDS = 5
FINISH_SECONDS = 30


@dataclass(frozen=True)
class Outcome:
    hung: bool
    status: Optional[int]
    last_error_line: str


def runtime_header(path: Path) -> Optional[str]:
    """What the file does when run: its `# runtime-fixed:` header if it is a golden, else `# runtime:`."""
    fixed = path.parent.name == "fixed"
    for line in path.read_text("utf-8").splitlines()[:5]:
        match = _HEADER.match(line)
        if match and bool(match.group("fixed")) == fixed:
            return match.group("what")
    return None


GOLDENS = sorted((FIXTURES / "fixed").glob("*.py"))
DEMOS = [p for p in fixture_files() + GOLDENS if runtime_header(p)]


def _run(path: Path) -> Outcome:
    limit = HANG_SECONDS if runtime_header(path) == "hangs" else FINISH_SECONDS
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    try:
        done = subprocess.run(
            [sys.executable, str(path)], capture_output=True, text=True, timeout=limit, env=env, cwd=path.parent
        )
    except subprocess.TimeoutExpired:
        return Outcome(True, None, "")
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    return Outcome(False, done.returncode, lines[-1] if lines else "")


@pytest.fixture(scope="module")
def outcomes() -> dict[Path, Outcome]:
    with ThreadPoolExecutor(max_workers=3) as pool:
        return dict(zip(DEMOS, pool.map(_run, DEMOS)))


@pytest.mark.slow
@pytest.mark.runtime
@pytest.mark.parametrize("path", DEMOS, ids=[f"{p.parent.name}/{p.name}" for p in DEMOS])
def test_demo_behaves_as_its_header_says(path: Path, outcomes: dict[Path, Outcome]) -> None:
    what = runtime_header(path)
    outcome = outcomes[path]
    if what == "hangs":
        assert outcome.hung, f"finished with status {outcome.status}"
        return
    assert not outcome.hung, "did not finish"
    if what == "ok":
        assert outcome.status == 0, outcome.last_error_line
    elif what is not None and what.startswith("exit "):
        assert outcome.status == int(what.split()[1]), outcome.last_error_line
    else:
        assert what is not None
        assert outcome.status != 0 and what.split()[1] in outcome.last_error_line, outcome.last_error_line


@pytest.mark.parametrize("rule", RULES, ids=[r.code for r in RULES])
def test_every_rule_has_a_misbehaving_demo(rule) -> None:
    demos = [
        p for p in DEMOS
        if runtime_header(p) != "ok" and any(e.code == rule.code for e in expectations(p.read_text("utf-8")))
    ]
    assert demos, f"{rule.code} has no positive fixture with a runtime header that shows the bug"


def test_every_fixed_demo_says_how_it_runs_after_the_fix() -> None:
    """The fixed QL103, QL302, QL303, QL304 and QL305 demos no longer show their bug."""
    missing = [p.name for p in GOLDENS if runtime_header(FIXTURES / p.name) and not runtime_header(p)]
    assert not missing, f"goldens of runtime demos without '# runtime-fixed:': {missing}"
    for path in GOLDENS:
        if runtime_header(path) and path.name[:5] in ("ql103", "ql302", "ql303", "ql304", "ql305"):
            assert runtime_header(path) == "ok", path.name


def test_every_negative_runs_clean() -> None:
    missing = [p.name for p in fixture_files() if p.name.startswith("ok_") and runtime_header(p) != "ok"]
    assert not missing, f"negatives without '# runtime: ok': {missing}"
