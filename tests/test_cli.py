"""The standalone command: exit codes, selection, noqa, errors, determinism."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Optional

import pytest

from qlint import Settings, lint_source
from qlint.cli import main
from qlint.rules import CODES
from tests.fixture_expectations import FIXTURES, finding_lines

BUGGY = textwrap.dedent(
    """\
    import queue

    def worker(q):
        while True:
            item = q.get()
            handle(item)
            q.task_done()

    q = queue.Queue()
    q.join()
    """
)
CLEAN = "import queue\n\nq = queue.Queue()\nq.put(1)\n"


def _run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_exit_codes(tmp_path: Path, capsys) -> None:
    (tmp_path / "bad.py").write_text(BUGGY)
    (tmp_path / "good.py").write_text(CLEAN)
    assert _run(capsys, str(tmp_path / "good.py"))[0] == 0
    code, out, _ = _run(capsys, str(tmp_path))
    assert code == 1
    assert out == (
        f"{tmp_path / 'bad.py'}:7:9: QL104 [*] {lint_source(BUGGY, 'x')[0].message}\n"
        "[*] 1 fixable with the --fix option.\n"
    )
    assert _run(capsys, "--exit-zero", str(tmp_path))[0] == 0


def test_syntax_error_is_reported_and_other_files_still_linted(tmp_path: Path, capsys) -> None:
    # QL000 is reported for files qlint must read: ones that mention get() and task_done().
    (tmp_path / "a_broken.py").write_text("def f(:\n    q.get()\n    q.task_done()\n")
    (tmp_path / "b_bad.py").write_text(BUGGY)
    code, out, _ = _run(capsys, str(tmp_path))
    lines = finding_lines(out)
    assert code == 1
    assert lines[0].startswith(f"{tmp_path / 'a_broken.py'}:1:") and " QL000 syntax error" in lines[0]
    assert lines[1].startswith(f"{tmp_path / 'b_bad.py'}:7:9: QL104 ")


def test_unreadable_paths_are_errors_but_the_rest_is_linted(tmp_path: Path, capsys) -> None:
    (tmp_path / "bad.py").write_text(BUGGY)
    (tmp_path / "pkg.py").mkdir()  # a folder, walked like any other
    (tmp_path / "pkg.py" / "clean.py").write_text(CLEAN)
    (tmp_path / "dangling.py").symlink_to(tmp_path / "nowhere.py")
    code, out, err = _run(capsys, str(tmp_path), str(tmp_path / "missing.py"), str(tmp_path / "dangling.py"))
    assert code == 2
    assert "QL104" in out
    errors = err.splitlines()
    assert not any("pkg.py" in line for line in errors)
    assert any("missing.py: no such file or directory" in line for line in errors)
    assert any("dangling.py: broken symbolic link" in line for line in errors)
    assert all(line.startswith("qlint: ") for line in errors)


@pytest.mark.parametrize(
    "args, expected",
    [
        ((), ["QL104"]),
        (("--select", "QL101"), []),
        (("--select", "QL1"), ["QL104"]),
        (("--ignore", "QL104"), []),
        (("--ignore", "QL1", "--select", "QL104"), ["QL104"]),
        (("--select", "QL101", "--extend-select", "QL104"), ["QL104"]),
    ],
)
def test_select_and_ignore(tmp_path: Path, capsys, args, expected) -> None:
    path = tmp_path / "bad.py"
    path.write_text(BUGGY)
    _, out, _ = _run(capsys, *args, str(path))
    assert [line.split()[1] for line in finding_lines(out)] == expected


@pytest.mark.parametrize(
    "comment, silenced",
    [
        ("# noqa", True),
        ("# noqa: QL104", True),
        ("# NOQA:QL104", True),
        ("# noqa: QL1", True),  # flake8 matches codes as prefixes
        ("# noqa: QL101", False),
        ("# noqa: E501,QL104", True),
        ("# noqa : QL104", True),  # flake8 reads this as a blanket noqa
    ],
)
def test_noqa_follows_flake8(comment: str, silenced: bool) -> None:
    source = BUGGY.replace("q.task_done()", f"q.task_done()  {comment}")
    assert (lint_source(source, "x.py") == []) is silenced


# Each case: the source, and what flake8 reports for it (line, col, code). flake8 looks for
# `# noqa` on the physical lines of one token stretch up to a NEWLINE or NL token: a string
# over several lines is one stretch, a call split inside brackets is not (NL ends a line).
NOQA_PLACEMENTS = {
    "call-split-over-lines": (
        BUGGY.replace("q.task_done()", "q.task_done(\n            )  # noqa: QL104"), [(7, 9, "QL104")],
    ),
    "after-multiline-string": (
        BUGGY.replace("q.task_done()", 'q.task_done(); """\n            """  # noqa: QL104'), [],
    ),
    "on-the-line-before": (
        BUGGY.replace("q.task_done()", "# noqa: QL104\n        q.task_done()"), [(8, 9, "QL104")],
    ),
    "on-the-line": (BUGGY.replace("q.task_done()", "q.task_done()  # noqa: QL104"), []),
}


@pytest.mark.parametrize("name", sorted(NOQA_PLACEMENTS))
def test_noqa_placement(name: str) -> None:
    source, expected = NOQA_PLACEMENTS[name]
    assert [(d.line, d.col, d.code) for d in lint_source(source, "case.py")] == expected


@pytest.mark.slow
@pytest.mark.integration
def test_noqa_placement_agrees_with_flake8(tmp_path: Path) -> None:
    """The expectations above are flake8's: it reports the same, at the same places."""
    for name in sorted(NOQA_PLACEMENTS):
        (tmp_path / f"{name}.py").write_text(NOQA_PLACEMENTS[name][0])
    command = [sys.executable, "-m", "flake8", "--isolated", "--select", "QL", "-j", "1", str(tmp_path)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode in (0, 1), done.stderr
    theirs = sorted(done.stdout.splitlines())
    ours = sorted(
        f"{tmp_path / name}.py:{line}:{col}: {code} {lint_source(BUGGY, 'x.py')[0].message}"
        for name, (_, expected) in NOQA_PLACEMENTS.items() for line, col, code in expected
    )
    assert theirs == ours


def test_file_level_noqa() -> None:
    assert lint_source("# flake8: noqa\n" + BUGGY, "x.py") == []


def test_settings_select() -> None:
    assert lint_source(BUGGY, "x.py", Settings(select=("QL101",))) == []


def test_jobs_do_not_change_the_output(tmp_path: Path) -> None:
    outputs = []
    for jobs in ("1", "2"):
        done = subprocess.run(
            [sys.executable, "-m", "qlint", "--jobs", jobs, str(FIXTURES)], capture_output=True, timeout=300
        )
        assert done.returncode == 1, done.stderr
        outputs.append(done.stdout)
    assert outputs[0] == outputs[1] and outputs[0]


def test_python_dash_m_and_version() -> None:
    done = subprocess.run([sys.executable, "-m", "qlint", "--version"], capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout.startswith("qlint ")


@pytest.mark.parametrize(
    "args",
    [
        ("rule", "QL104"),
        ("rule",),
        ("--help",),
        ("--version",),
        ("--no-cache", str(FIXTURES)),
        ("--no-cache", "--format", "json", str(FIXTURES)),
        ("--no-cache", "--statistics", str(FIXTURES)),
        ("--diff", str(FIXTURES / "ql104_asyncio_with.py")),
    ],
)
def test_a_closed_pipe_ends_quietly(args: tuple[str, ...]) -> None:
    """`qlint rule QL104 | head -1`: the reader is gone before qlint writes; no traceback."""
    read_end, write_end = os.pipe()
    os.close(read_end)  # closed before qlint writes a byte: every write meets a broken pipe
    try:
        done = subprocess.run([sys.executable, "-m", "qlint", *args], stdout=write_end,
                              stderr=subprocess.PIPE, text=True, timeout=120)
    finally:
        os.close(write_end)
    assert done.stderr == "" or "Would fix" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr and "Exception ignored" not in done.stderr
    assert done.returncode in (0, 1)


def _qlint(*args: str, stdin: str = "", cwd: Optional[Path] = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "qlint", *args], input=stdin, capture_output=True, text=True,
                          timeout=120, cwd=cwd)


def test_stdin_filename_without_a_path_reads_standard_input(tmp_path: Path) -> None:
    (tmp_path / "other.py").write_text(BUGGY)  # in the current folder: must not be linted
    done = _qlint("--no-cache", "--stdin-filename", "src/mod.py", stdin=BUGGY, cwd=tmp_path)
    assert (done.returncode, done.stderr) == (1, "")
    assert [line.split(":")[0] for line in finding_lines(done.stdout)] == ["src/mod.py"]


def test_standard_input_with_other_paths_is_refused(tmp_path: Path) -> None:
    (tmp_path / "other.py").write_text(BUGGY)
    done = _qlint("-", str(tmp_path / "other.py"), stdin=BUGGY)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == "qlint: '-' (standard input) cannot be combined with other paths\n"


def test_rule_with_a_prefix_lists_the_rules_under_it() -> None:
    done = _qlint("rule", "QL1")
    assert done.returncode == 0
    assert [line.split()[0] for line in done.stdout.splitlines()] == [c for c in CODES if c.startswith("QL1")]
    assert _qlint("rule", "QL9").returncode == 2


def test_rule_has_its_own_help() -> None:
    done = _qlint("rule", "--help")
    assert done.returncode == 0 and done.stdout.startswith("usage: qlint rule ")


@pytest.mark.parametrize("args", [("--no-color", "rule", "QL104"), ("rule", "QL104", "--no-color"),
                                  ("--isolated", "rule", "QL104")])
def test_rule_is_a_subcommand_wherever_it_stands(args: tuple[str, ...]) -> None:
    done = _qlint(*args)
    assert done.returncode == 0 and done.stdout.startswith("QL104 task-done-not-in-finally"), done.stderr


def test_check_is_an_alias_as_in_ruff(tmp_path: Path) -> None:
    (tmp_path / "bad.py").write_text(BUGGY)
    plain, check = _qlint("--no-cache", str(tmp_path)), _qlint("--no-cache", "check", str(tmp_path))
    assert plain.returncode == check.returncode == 1 and plain.stdout == check.stdout
    assert _qlint("--no-cache", "--select", "QL104", "check", str(tmp_path)).stdout == plain.stdout
