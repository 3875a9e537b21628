"""One pass or two. A cold whole-project run with several processes lints each file in
the pass that reads it for the index, with a view that answers nothing and notes what
the analysis asked (qlint/whole_project.py, qlint/project/asked.py); a file is linted
again only when its finished view answers. That must report exactly what linting every
file with its finished view reports."""

from __future__ import annotations

import ast
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import pytest

import qlint.whole_project as whole_project
from qlint.files import DEFAULT_EXCLUDE, DiscoveryOptions, discover
from qlint.project.asked import QUESTIONS, AskingView
from qlint.project.context import build_context
from qlint.project.view import ProjectView
from qlint.runner import run
from qlint.settings import Settings
from tests.fixture_expectations import FIXTURES

PACKAGE = Path(whole_project.__file__).resolve().parent


def _lines(result: Any) -> list[str]:
    return sorted(f"{d.path}:{d.line}:{d.col}: {d.code} {d.message}" for d in result.diagnostics)


def test_one_pass_reports_what_two_passes_report(monkeypatch: pytest.MonkeyPatch) -> None:
    given = [str(FIXTURES / "projects")]
    files = list(discover(given, DiscoveryOptions(exclude=DEFAULT_EXCLUDE)))
    linted = [found.path for found in files if not found.error]
    settings = Settings()
    two = run(files, settings, 1, None, None, True, build_context(given, None, DEFAULT_EXCLUDE, 1, linted))

    checked: list[str] = []
    again: list[str] = []

    class Noting(ProcessPoolExecutor):
        """The pool, noting the files the workers check and those linted again."""

        def map(self, fn: Any, *iterables: Any, **kwargs: Any) -> Any:
            if fn is whole_project._check_chunk:
                iterables = (list(iterables[0]), *iterables[1:])
                checked.extend(unchecked[0] for share in iterables[0] for unchecked in share)
            return super().map(fn, *iterables, **kwargs)

        def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Any:
            if fn is whole_project._lint_with_view:
                again.append(args[0])
            return super().submit(fn, *args, **kwargs)

    monkeypatch.setattr(whole_project, "ProcessPoolExecutor", Noting)
    one = whole_project.run_whole_project(files, settings, 2, None, True, given, None, DEFAULT_EXCLUDE)
    assert _lines(one) == _lines(two)
    # Both kinds of file were met: settled in the first pass, and linted again because
    # their view answers (the findings that name a join in another file).
    assert again and set(checked) - set(again)
    assert any(" in " in d.message and "join()" in d.message for d in one.diagnostics)


def test_the_asking_view_notes_every_question_the_analysis_asks() -> None:
    """Each ProjectView method that qlint's analysis or rules call on a view is a question
    the AskingView writes down; a new one left out would let a first pass settle a file
    whose findings its finished view changes."""
    called: set[str] = set()
    for path in [*(PACKAGE / "analysis").glob("*.py"), *(PACKAGE / "rules").glob("*.py"), PACKAGE / "engine.py"]:
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                receiver = node.func.value
                holder = receiver.attr if isinstance(receiver, ast.Attribute) else getattr(receiver, "id", "")
                if holder in ("project", "view") and callable(getattr(ProjectView, node.func.attr, None)):
                    called.add(node.func.attr)
    assert called, "the analysis asks its view something"
    # `in_file` answers nothing: it gives the view of an `__init__.py`, which the
    # AskingView must be itself (a copy would note the questions apart). `made_classes`,
    # like `rules_needed`, says which rules run: the AskingView says none, and the check
    # after the index weighs what is left (whole_project._may_differ).
    assert called - {"in_file", "made_classes"} <= set(QUESTIONS), called - set(QUESTIONS)
    assert AskingView("").made_classes("from app import Client\nClient().inbox.put(1)\n") == {}
    asking = AskingView("")
    assert asking.in_file("pkg/__init__.py") is asking and asking.package
    for question in QUESTIONS:
        assert question in vars(AskingView), f"AskingView does not note {question}"
    view = AskingView("")
    assert view.global_join("jobs") is None and view.made_queue("app.Client.inbox") is None
    assert view.asked == {("global_join", ("jobs",)), ("made_queue", ("app.Client.inbox",))}


def test_what_one_pass_stores_serves_the_next_run_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The first pass keys each result as a later run looks it up (with the file's view):
    a second run lints nothing, and reports the same."""
    import shutil

    from qlint.cache import ResultCache, summary_store

    tree = tmp_path / "projects"
    shutil.copytree(FIXTURES / "projects", tree)
    # A join through a receiver of unknown class, and a module that only names its
    # attribute: settled in the first pass, yet its key holds that join.
    mention = tree / "mention"
    mention.mkdir()
    (mention / "pyproject.toml").write_text("")
    (mention / "drain.py").write_text("def drain(client):\n    client.inbox.join()\n")
    (mention / "note.py").write_text('INBOX = "inbox"\n')
    given = [str(tree)]
    files = list(discover(given, DiscoveryOptions(exclude=DEFAULT_EXCLUDE)))
    settings = Settings()

    def lint_once() -> Any:
        cache = ResultCache.load(tmp_path / "cache", settings)
        return whole_project.run_whole_project(
            files, settings, 2, cache, False, given, summary_store(tmp_path / "cache"), DEFAULT_EXCLUDE
        )

    first = lint_once()
    missed: list[str] = []
    real = ResultCache.lookup

    def lookup(cache: ResultCache, path: str, *args: Any, **kwargs: Any) -> Any:
        found = real(cache, path, *args, **kwargs)
        if found is None:
            missed.append(path)
        return found

    monkeypatch.setattr(ResultCache, "lookup", lookup)
    second = lint_once()
    assert missed == []
    assert _lines(second) == _lines(first) and first.diagnostics


def test_a_file_changed_since_its_lint_is_not_keyed(tmp_path: Path) -> None:
    """The workers key each result by the bytes it was linted from: a file whose bytes
    differ by then gets no key, and is not cached."""
    from qlint.runner import cache_keys, result_key

    (tmp_path / "pyproject.toml").write_text("")
    path = tmp_path / "drain.py"
    path.write_text("def drain(client):\n    client.inbox.join()\n")
    context = build_context([str(tmp_path)])
    linted = result_key(path.read_bytes(), str(path), None)
    assert whole_project._cache_key(str(path), linted, context) == cache_keys(path.read_bytes(), str(path), context)
    path.write_text("def drain(client):\n    client.outbox.join()\n")
    assert whole_project._cache_key(str(path), linted, context) == ("", "")


def test_one_pass_reports_bad_input_as_two_passes_do(tmp_path: Path) -> None:
    """Files that do not decode, parse or read give the same findings and errors either way."""
    import os

    for number in range(9):  # enough files for the one pass
        (tmp_path / f"ok{number}.py").write_text(
            "import queue\nq = queue.Queue()\ndef w():\n    while True:\n        print(q.get())\n        q.task_done()\nq.join()\n"
        )
    (tmp_path / "syntax.py").write_text("def f(:\n    pass\n")
    (tmp_path / "cookie.py").write_bytes(b"# -*- coding: uft-8 -*-\nimport queue\n")
    (tmp_path / "nul.py").write_bytes(b'x = "\x00"\nimport queue\n')
    (tmp_path / "binary.py").write_bytes(bytes(range(256)) * 8)
    (tmp_path / "deep.py").write_text("x = " + "(" * 150 + "1" + ")" * 150 + "\nimport queue\nq = queue.Queue()\nq.join()\n")
    (tmp_path / "bom.py").write_bytes(b"\xef\xbb\xbfimport queue\nq = queue.Queue()\nq.get()\nq.join()\n")
    os.symlink(tmp_path / "missing", tmp_path / "dangling.py")
    if hasattr(os, "mkfifo"):
        os.mkfifo(tmp_path / "fifo.py")
    given = [str(tmp_path)]
    files = list(discover(given, DiscoveryOptions(exclude=DEFAULT_EXCLUDE)))
    linted = [found.path for found in files if not found.error]
    settings = Settings()
    two = run(files, settings, 1, None, None, True, build_context(given, None, DEFAULT_EXCLUDE, 1, linted))
    one = whole_project.run_whole_project(files, settings, 2, None, True, given, None, DEFAULT_EXCLUDE)
    assert _lines(one) == _lines(two) and any(d.code == "QL000" for d in one.diagnostics)
    assert sorted(map(str, one.errors)) == sorted(map(str, two.errors)) and one.errors
