"""The standalone command: exit codes, selection, noqa, errors, determinism."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from qlint import Settings, lint_source
from qlint.cli import main
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
    (tmp_path / "pkg.py").mkdir()
    (tmp_path / "dangling.py").symlink_to(tmp_path / "nowhere.py")
    code, out, err = _run(capsys, str(tmp_path), str(tmp_path / "missing.py"), str(tmp_path / "dangling.py"))
    assert code == 2
    assert "QL104" in out
    errors = err.splitlines()
    assert any("pkg.py: is a directory" in line for line in errors)
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
