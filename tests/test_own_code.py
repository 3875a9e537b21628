"""qlint's own code is held to the standard it sells: `mypy --strict` and `ruff` pass.

Not marked slow: it runs in the fast tier (`-m "not slow"`), in about 10 s.

Both read their configuration from pyproject.toml ([tool.mypy], [tool.ruff]).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, timeout=300, check=False
    )


@pytest.mark.parametrize(
    "command",
    [
        pytest.param(("mypy", "--strict", "qlint"), id="mypy"),
        pytest.param(("ruff", "check", "qlint", "tests", "bench"), id="ruff"),
    ],
)
def test_own_code_passes(command: tuple[str, ...]) -> None:
    result = _run(*command)
    assert result.returncode == 0, f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}"
