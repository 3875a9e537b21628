"""A helper of another module that acknowledges (qlint/project/acknowledgers.py): a
cached result of the module whose consumer loop calls it stays valid only while what the
helper acknowledges is unchanged. Editing its `task_done()` line re-lints the consumer;
a comment there does not."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pytest

from qlint import runner
from qlint.cli import main

ACKS = """\
def finish(q, item):
    print(item)  # log it
    q.task_done()
"""
WORKERS = """\
import acks as helpers


def consume(q):
    while True:
        item = q.get()
        if item is None:
            continue
        helpers.finish(q, item)
"""
MAIN = """\
import queue
import threading

from workers import consume


def main():
    q = queue.Queue()
    threading.Thread(target=consume, args=(q,), daemon=True).start()
    q.put(1)
    q.join()
"""


@pytest.fixture
def linted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, list[str]]:
    """A project, and the names of the files each run lints (not served by the cache)."""
    project = tmp_path / "app"
    project.mkdir()
    (project / "pyproject.toml").write_text("")
    (project / "acks.py").write_text(ACKS)
    (project / "workers.py").write_text(WORKERS)  # starts no thread: it only consumes
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


def test_the_continue_that_skips_an_imported_helper_is_reported(linted: tuple[Path, list[str]]) -> None:
    project, _ = linted
    assert "workers.py:8:13: QL102 this path goes back to the next get() without task_done()" in _run(project)
    assert "QL102" not in _run(project, "--isolated-modules")


def test_editing_the_helper_s_task_done_re_lints_the_consumer(linted: tuple[Path, list[str]]) -> None:
    project, names = linted
    assert "QL102" in _run(project)
    names.clear()
    _run(project)
    assert names == []  # all cached
    (project / "acks.py").write_text(ACKS.replace("    q.task_done()", "    if item:\n        q.task_done()"))
    assert "QL102" not in _run(project)  # a helper that acknowledges on some paths only: not certain
    assert sorted(names) == ["acks.py", "workers.py"]


def test_editing_a_comment_of_the_helper_does_not_re_lint_the_consumer(linted: tuple[Path, list[str]]) -> None:
    project, names = linted
    _run(project)
    names.clear()
    (project / "acks.py").write_text(ACKS.replace("log it", "print it"))
    assert "QL102" in _run(project)
    assert names == ["acks.py"]


def test_a_consumer_that_never_names_the_helper_is_not_re_linted(linted: tuple[Path, list[str]]) -> None:
    project, names = linted
    (project / "other.py").write_text(WORKERS.replace("import acks as helpers\n", "").replace("helpers.finish(q, item)", "q.task_done()"))
    _run(project)
    names.clear()
    (project / "acks.py").write_text(ACKS.replace("    q.task_done()", "    if item:\n        q.task_done()"))
    _run(project)
    assert sorted(names) == ["acks.py", "workers.py"]
