"""A thread target imported from another module (qlint/project/targets.py): a cached
result of the module that starts it stays valid only while what the target does is
unchanged. Editing the target's loop re-lints the starter; a comment there, or a
function the starter never names, does not."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.project_cache import recording_project, run_qlint

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
    return recording_project(tmp_path, monkeypatch, {"workers.py": WORKERS, "main.py": MAIN})


def test_the_join_of_an_imported_endless_consumer_is_reported(linted: tuple[Path, list[str]]) -> None:
    project, _ = linted
    assert "main.py:12:5: QL203 consume() in workers.py:1 runs a consumer loop that never ends" in run_qlint(project)
    assert "QL203" not in run_qlint(project, "--isolated-modules")


def test_editing_the_target_s_loop_re_lints_the_starter(linted: tuple[Path, list[str]]) -> None:
    project, names = linted
    assert "QL203" in run_qlint(project)
    names.clear()
    run_qlint(project)
    assert names == []  # all cached
    (project / "workers.py").write_text(WORKERS.replace("print(item)", "if item is None:\n            break"))
    assert "QL203" not in run_qlint(project)
    assert sorted(names) == ["main.py", "workers.py"]


def test_editing_a_comment_of_the_target_does_not_re_lint_the_starter(linted: tuple[Path, list[str]]) -> None:
    project, names = linted
    run_qlint(project)
    names.clear()
    (project / "workers.py").write_text(WORKERS.replace("wait for work", "block until work"))
    assert "QL203" in run_qlint(project)
    assert names == ["workers.py"]


def test_a_function_the_starter_never_names_does_not_re_lint_it(linted: tuple[Path, list[str]]) -> None:
    project, names = linted
    run_qlint(project)
    names.clear()
    (project / "workers.py").write_text(WORKERS + "\n\ndef feed(q):\n    q.put(2)\n")
    assert "QL203" in run_qlint(project)
    assert names == ["workers.py"]
