"""Inputs that reach the parser must give findings or QL000, never an exception.

Each case mentions get() and task_done(), so the text gate lets it through.
"""

from __future__ import annotations

import ast
import concurrent.futures

import pytest

from qlint.engine import check_source, nesting_exceeds
from tests.fixture_expectations import finding_lines

BODY = "def worker(q):\n    while True:\n        item = q.get()\n        work(item)\n        q.task_done()\n"

CASES = {
    "deeply nested parentheses": BODY + "x = " + "(" * 1000 + "1" + ")" * 1000 + "\n",
    "deeply nested blocks": BODY + "".join("    " * i + "if x:\n" for i in range(100)) + "    " * 100 + "pass\n",
    "NUL byte": BODY + "x = 1\x00\n",
    "BOM and CRLF": "\ufeff" + BODY.replace("\n", "\r\n"),
    "latin-1 cookie": "# -*- coding: latin-1 -*-\n" + BODY + "s = 'caf\xe9'\n",
    "lone CR newlines": BODY.replace("\n", "\r"),
    "form feed": "\x0c\n" + BODY,
    "undecodable bytes": None,
    "unknown cookie": "# -*- coding: no-such-codec -*-\n" + BODY,
}


def _source(name: str) -> bytes:
    if name == "undecodable bytes":
        return BODY.encode() + b"s = '\xff\xfe'\n"
    text = CASES[name]
    assert text is not None
    return text.encode("latin-1" if "latin-1" in name else "utf-8")


@pytest.mark.parametrize("name", sorted(CASES))
def test_never_raises(name: str) -> None:
    report = check_source(_source(name), "case.py")
    for diagnostic in report.diagnostics:
        assert diagnostic.code in ("QL000", "QL104"), diagnostic
        assert "\n" not in diagnostic.message
    assert all("\n" not in error for error in report.errors)
    assert report.diagnostics or report.errors, "a hostile input passed silently"


def test_empty_file_is_clean() -> None:
    assert check_source(b"", "empty.py").diagnostics == []


# -- files that cannot be read, through the command line -------------------------------------

import os  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

from qlint import engine, runner  # noqa: E402
from qlint.cli import main  # noqa: E402
from qlint.rules.base import Rule  # noqa: E402


def _cli(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_fifo_symlink_loop_and_unreadable_file_are_one_line_errors(tmp_path: Path, capsys, monkeypatch) -> None:
    """A FIFO named y.py (never opened: that would block), a symlink loop, a file that
    cannot be opened: each a one-line error naming it, exit 2, the good file still linted."""
    (tmp_path / "good.py").write_text(BODY)
    os.mkfifo(tmp_path / "y.py")
    (tmp_path / "loop_a.py").symlink_to(tmp_path / "loop_b.py")
    (tmp_path / "loop_b.py").symlink_to(tmp_path / "loop_a.py")
    (tmp_path / "secret.py").write_text(BODY)
    real_open = open

    def refusing_open(path, *args, **kwargs):  # root reads everything: refuse by hand
        if str(path).endswith("secret.py"):
            raise PermissionError(13, "Permission denied")
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(runner, "open", refusing_open, raising=False)
    code, out, err = _cli(capsys, "--jobs", "1", str(tmp_path), str(tmp_path / "loop_a.py"))
    assert code == 2
    assert [line.split()[1] for line in finding_lines(out)] == ["QL104"]
    errors = err.splitlines()
    assert f"qlint: {tmp_path / 'y.py'}: not a regular file" in errors
    assert f"qlint: {tmp_path / 'loop_a.py'}: symbolic link loop" in errors
    assert f"qlint: {tmp_path / 'secret.py'}: cannot read: Permission denied" in errors


def test_non_utf8_file_name(tmp_path: Path) -> None:
    name = os.fsencode(tmp_path) + b"/caf\xe9.py"
    with open(name, "w") as handle:
        handle.write(BODY)
    done = subprocess.run([sys.executable, "-m", "qlint", os.fsencode(tmp_path)], capture_output=True)
    assert done.returncode == 1, done.stderr
    assert b"QL104" in done.stdout and b"Traceback" not in done.stderr


def test_a_crashing_rule_is_named_and_the_others_still_report(monkeypatch, tmp_path: Path, capsys) -> None:
    def explode(facts):
        raise RuntimeError("boom")

    crashing = [Rule(r.code, r.name, r.message, r.doc, explode, r.gate) if r.code == "QL101" else r for r in engine.RULES]
    monkeypatch.setattr(engine, "RULES", tuple(crashing))
    report = check_source(BODY, "case.py")
    assert [d.code for d in report.diagnostics] == ["QL104"]
    assert report.errors == ["case.py: rule QL101 crashed: RuntimeError: boom"]
    (tmp_path / "case.py").write_text(BODY)
    code, out, err = _cli(capsys, "--jobs", "1", str(tmp_path / "case.py"))
    assert code == 2 and "QL104" in out and "rule QL101 crashed" in err


def test_valid_file_libcst_cannot_parse(monkeypatch) -> None:
    """New syntax LibCST does not know yet: QL000 says so, nothing else is reported."""

    def refuse(source):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(engine.cst, "parse_module", refuse)
    report = check_source(BODY, "new.py")
    assert [(d.code, d.line) for d in report.diagnostics] == [("QL000", 1)]
    assert "LibCST cannot parse this file, so it was not checked" in report.diagnostics[0].message


@pytest.mark.slow
def test_ten_megabyte_file() -> None:
    padding = ("# " + "x" * 76 + "\n") * (10_000_000 // 80)
    report = check_source("import queue\n" + padding + BODY, "big.py")
    assert [(d.code, d.line) for d in report.diagnostics] == [("QL104", 125_006)]


@pytest.mark.slow
@pytest.mark.corpus
def test_corpus_output_does_not_depend_on_jobs(corpus_files, corpus_run, tmp_path: Path, monkeypatch) -> None:
    """The corpus (the standard library without site-packages, and the fixtures): the same
    findings, fixes and errors with one process as with two (the session's run), and from
    the cache (filled by a first run, then read by a second)."""
    from qlint.cache import ResultCache
    from qlint.runner import run
    from qlint.settings import Settings

    def cache() -> ResultCache:
        return ResultCache.load(tmp_path / "cache", Settings())

    runs = [run(corpus_files, Settings(), jobs=1), run(corpus_files, Settings(), jobs=2, cache=cache())]
    with monkeypatch.context() as patch:  # every file must come from the cache now
        patch.setattr(runner, "lint_file", lambda *args: pytest.fail(f"linted, not read from the cache: {args[0]}"))
        patch.setattr(concurrent.futures, "ProcessPoolExecutor", lambda *args, **kwargs: pytest.fail("a pool for cached files"))
        runs.append(run(corpus_files, Settings(), jobs=2, cache=cache()))
    for other in runs:
        assert other.diagnostics == corpus_run.diagnostics
        assert [d.fix for d in other.diagnostics] == [d.fix for d in corpus_run.diagnostics]
        assert other.errors == corpus_run.errors


@pytest.mark.parametrize("depth, code_or_error", [(150, "nested more than 100 levels"), (1500, "QL000")])
def test_deep_nesting_never_reaches_libcst(tmp_path: Path, depth: int, code_or_error: str) -> None:
    """150 nested lists: valid Python, refused by our depth guard (LibCST's layout would
    overflow the stack); 1,500: CPython's own 'too many nested parentheses'. In a separate
    process, because LibCST's native parser can crash the process at such depths."""
    path = tmp_path / "deep.py"
    path.write_text(BODY + "q.put(" + "[" * depth + "1" + "]" * depth + ")\n")
    (tmp_path / "other.py").write_text(BODY)
    done = subprocess.run([sys.executable, "-m", "qlint", "--jobs", "1", str(tmp_path)], capture_output=True, text=True)
    assert "Traceback" not in done.stderr and done.returncode in (1, 2)
    assert code_or_error in done.stdout + done.stderr
    assert f"{tmp_path / 'other.py'}:5:9: QL104" in done.stdout


def test_form_feed_does_not_shift_lines_for_noqa() -> None:
    source = "\x0c\n" + BODY.replace("q.task_done()", "q.task_done()  # noqa: QL104")
    assert check_source(source, "ff.py").diagnostics == []


def test_cpython_warnings_about_the_code_are_not_printed(tmp_path: Path) -> None:
    path = tmp_path / "escapes.py"
    path.write_text(BODY.replace("work(item)", 'work(item, "\\d")'))
    done = subprocess.run([sys.executable, "-W", "default", "-m", "qlint", str(path)], capture_output=True, text=True)
    assert done.returncode == 1 and "QL104" in done.stdout
    assert done.stderr == ""


# 3.12's generics: LibCST's native parser knows them whatever Python runs it.
GENERIC_WORKER = "def worker[T](q: T):\n" + BODY.split("\n", 1)[1] + "\nx = 1\n"


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="needs a Python older than the syntax")
def test_syntax_newer_than_this_python_is_analysed() -> None:
    """Under 3.11 (pre-commit's Python, say), `def f[T]` is checked, not QL000."""
    report = check_source(GENERIC_WORKER, "new.py")
    assert [(d.code, d.line, d.col) for d in report.diagnostics] == [("QL104", 5, 9)]
    assert report.errors == [] and report.fixes == []  # a fix cannot be compiled here: none is offered


def test_when_cpython_refuses_and_libcst_accepts_the_tree_gate_is_skipped(monkeypatch) -> None:
    """The same, on any Python: CPython's parser made to refuse a file LibCST accepts."""
    import ast
    import types

    def refuse(text, filename="<unknown>"):
        raise SyntaxError("invalid syntax", (filename, 1, 11, text.splitlines()[0]))

    def no_tree_gate(*args):
        raise AssertionError("the tree gate needs CPython's tree")

    monkeypatch.setattr(engine, "ast", types.SimpleNamespace(**{**vars(ast), "parse": refuse}))
    monkeypatch.setattr(engine, "possible_rules", no_tree_gate)
    assert [(d.code, d.line) for d in check_source(BODY, "new.py").diagnostics] == [("QL104", 5)]
    # Neither parser accepts it: QL000, where CPython placed the error.
    broken = check_source(BODY + "def f(:\n", "bad.py").diagnostics
    assert [(d.code, d.line, d.col) for d in broken] == [("QL000", 1, 11)]


def _depth(tree: ast.AST) -> int:
    """The depth of the deepest node (the module is at 0), by recursion: the reference."""
    return 1 + max((_depth(child) for child in ast.iter_child_nodes(tree)), default=-1)


@pytest.mark.parametrize(
    "source",
    ["x = 1\n", "x = " + "+".join(["a"] * 120) + "\n", "q.put(" + "[" * 95 + "]" * 95 + ")\n",
     "".join("    " * i + "if x:\n" for i in range(60)) + "    " * 60 + "pass\n"],
)
def test_nesting_bound_is_the_tree_depth(source: str) -> None:
    """`nesting_exceeds` (level by level) says exactly whether the tree is deeper than the limit."""
    tree = ast.parse(source)
    depth = _depth(tree)
    for limit in range(max(depth - 3, 0), depth + 3):
        assert nesting_exceeds(tree, limit) == (depth > limit)
