"""A thread target imported from another module (qlint/project/targets.py): a cached
result of the module that starts it stays valid only while what the target does is
unchanged. Editing the target's loop re-lints the starter; a comment there, or a
function the starter never names, does not."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pytest

from qlint import runner
from qlint.cli import main

WORKERS = """\
def consume(q):
    while True:
        item = q.get()  # wait for work
        print(item)
        q.task_done()
"""
MAIN = """\
import queue
import threading

from workers import consume


def main():
    q = queue.Queue()
    t = threading.Thread(target=consume, args=(q,))
    t.start()
    q.put(1)
    t.join()
"""


@pytest.fixture
def linted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, list[str]]:
    """A project, and the names of the files each run lints (not served by the cache)."""
    project = tmp_path / "app"
    project.mkdir()
    (project / "pyproject.toml").write_text("")
    (project / "workers.py").write_text(WORKERS)
    (project / "main.py").write_text(MAIN)
    names: list[str] = []
    real = runner.lint_file

    def recording(path: str, *args: object, **kwargs: object) -> runner.FileResult:
        names.append(Path(path).name)
        return real(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(runner, "lint_file", recording)
    return project, names


def _run(project: Path, *extra: str) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        main(["--jobs", "1", "--cache-dir", str(project.parent / "cache"), *extra, str(project)])
    return out.getvalue()


def test_the_join_of_an_imported_endless_consumer_is_reported(linted: tuple[Path, list[str]]) -> None:
    project, _ = linted
    assert "main.py:12:5: QL203 consume() in workers.py:1 runs a consumer loop that never ends" in _run(project)
    assert "QL203" not in _run(project, "--isolated-modules")


def test_editing_the_target_s_loop_re_lints_the_starter(linted: tuple[Path, list[str]]) -> None:
    project, names = linted
    assert "QL203" in _run(project)
    names.clear()
    _run(project)
    assert names == []  # all cached
    (project / "workers.py").write_text(WORKERS.replace("print(item)", "if item is None:\n            break"))
    assert "QL203" not in _run(project)
    assert sorted(names) == ["main.py", "workers.py"]


def test_editing_a_comment_of_the_target_does_not_re_lint_the_starter(linted: tuple[Path, list[str]]) -> None:
    project, names = linted
    _run(project)
    names.clear()
    (project / "workers.py").write_text(WORKERS.replace("wait for work", "block until work"))
    assert "QL203" in _run(project)
    assert names == ["workers.py"]


def test_a_function_the_starter_never_names_does_not_re_lint_it(linted: tuple[Path, list[str]]) -> None:
    project, names = linted
    _run(project)
    names.clear()
    (project / "workers.py").write_text(WORKERS + "\n\ndef feed(q):\n    q.put(2)\n")
    assert "QL203" in _run(project)
    assert names == ["workers.py"]
