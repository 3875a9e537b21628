"""A queue attribute built in another module (qlint/project/attributes.py): a cached
result of the module that uses it stays valid only while how it is built is unchanged.
Changing its class re-lints the user; a comment there does not."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.project_cache import recording_project, run_qlint

CLIENT = """\
import asyncio


class Client:
    def __init__(self):
        self.inbox = asyncio.Queue()  # where requests wait
"""
USER = """\
from client import Client


def send(client: Client, request):
    client.inbox.put(request)
"""


@pytest.fixture
def linted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, list[str]]:
    """A project, and the names of the files each run lints (not served by the cache)."""
    return recording_project(tmp_path, monkeypatch, {"client.py": CLIENT, "user.py": USER})


def test_an_unawaited_put_into_an_asyncio_queue_built_elsewhere_is_reported(linted: tuple[Path, list[str]]) -> None:
    project, _ = linted
    assert "user.py:5:5: QL303 asyncio.Queue method not awaited (the queue is made in client.py:6)" in run_qlint(project)
    assert "QL303" not in run_qlint(project, "--isolated-modules")


def test_changing_the_queue_s_class_re_lints_the_user(linted: tuple[Path, list[str]]) -> None:
    project, names = linted
    assert "QL303" in run_qlint(project)
    names.clear()
    run_qlint(project)
    assert names == []  # all cached
    (project / "client.py").write_text(CLIENT.replace("import asyncio", "import queue").replace("asyncio.Queue", "queue.Queue"))
    assert "QL303" not in run_qlint(project)
    assert sorted(names) == ["client.py", "user.py"]


def test_editing_a_comment_where_it_is_built_does_not_re_lint_the_user(linted: tuple[Path, list[str]]) -> None:
    project, names = linted
    run_qlint(project)
    names.clear()
    (project / "client.py").write_text(CLIENT.replace("where requests wait", "requests wait here"))
    assert "QL303" in run_qlint(project)
    assert names == ["client.py"]


def test_a_queue_attribute_the_user_never_names_does_not_re_lint_it(linted: tuple[Path, list[str]]) -> None:
    project, names = linted
    run_qlint(project)
    names.clear()
    (project / "client.py").write_text(CLIENT + "\n\nclass Server:\n    def __init__(self):\n        self.outbox = asyncio.Queue()\n")
    assert "QL303" in run_qlint(project)
    assert names == ["client.py"]
