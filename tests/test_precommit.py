"""The pre-commit hook, as a user's repository would run it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_cli import BUGGY, CLEAN

REPO = Path(__file__).resolve().parent.parent


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


@pytest.mark.slow
def test_hook_fails_on_a_bad_file_and_passes_on_a_good_one(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "bad.py").write_text(BUGGY)
    (project / "good.py").write_text(CLEAN)
    _git(project, "init", "-q")
    _git(project, "add", ".")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache"), "GIT_AUTHOR_NAME": "t",
           "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t"}

    def hook(*files: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "pre_commit", "try-repo", str(REPO), "qlint", "--files", *files]
        return subprocess.run(command, cwd=project, env=env, capture_output=True, text=True, timeout=600)

    bad = hook("bad.py")
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "bad.py:7:9: QL104 " in bad.stdout
    good = hook("good.py")
    assert good.returncode == 0, good.stdout + good.stderr
