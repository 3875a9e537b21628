"""A helper of another module that acknowledges (qlint/project/acknowledgers.py): a
cached result of the module whose consumer loop calls it stays valid only while what the
helper acknowledges is unchanged. Editing its `task_done()` line re-lints the consumer;
a comment there does not."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.project_cache import recording_project, run_qlint

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
    # workers.py starts no thread: it only consumes.
    return recording_project(tmp_path, monkeypatch, {"acks.py": ACKS, "workers.py": WORKERS, "main.py": MAIN})


def test_the_continue_that_skips_an_imported_helper_is_reported(linted: tuple[Path, list[str]]) -> None:
    project, _ = linted
    assert "workers.py:8:13: QL102 this path goes back to the next get() without task_done()" in run_qlint(project)
    assert "QL102" not in run_qlint(project, "--isolated-modules")


def test_editing_the_helper_s_task_done_re_lints_the_consumer(linted: tuple[Path, list[str]]) -> None:
    project, names = linted
    assert "QL102" in run_qlint(project)
    names.clear()
    run_qlint(project)
    assert names == []  # all cached
    (project / "acks.py").write_text(ACKS.replace("    q.task_done()", "    if item:\n        q.task_done()"))
    assert "QL102" not in run_qlint(project)  # a helper that acknowledges on some paths only: not certain
    assert sorted(names) == ["acks.py", "workers.py"]


def test_editing_a_comment_of_the_helper_does_not_re_lint_the_consumer(linted: tuple[Path, list[str]]) -> None:
    project, names = linted
    run_qlint(project)
    names.clear()
    (project / "acks.py").write_text(ACKS.replace("log it", "print it"))
    assert "QL102" in run_qlint(project)
    assert names == ["acks.py"]


def test_a_consumer_that_never_names_the_helper_is_not_re_linted(linted: tuple[Path, list[str]]) -> None:
    project, names = linted
    (project / "other.py").write_text(WORKERS.replace("import acks as helpers\n", "").replace("helpers.finish(q, item)", "q.task_done()"))
    run_qlint(project)
    names.clear()
    (project / "acks.py").write_text(ACKS.replace("    q.task_done()", "    if item:\n        q.task_done()"))
    run_qlint(project)
    assert sorted(names) == ["acks.py", "workers.py"]
