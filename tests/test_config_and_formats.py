"""Config in pyproject.toml, discovery, stdin and the output formats, as a user meets them."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import jsonschema
import pytest

from qlint.cli import main
from tests.fixture_expectations import finding_lines
from tests.test_cli import BUGGY, CLEAN

SCHEMA = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"

# A QL102 (continue skips task_done) on line 8, and a QL104 on line 10.
TWO_FINDINGS = textwrap.dedent(
    """\
    import queue

    def worker(q):
        while True:
            item = q.get()
            work(item)
            if item is None:
                continue
            more(item)
            q.task_done()

    q = queue.Queue()
    q.join()
    """
)


def _run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def _project(tmp_path: Path, table: str = "", files: dict[str, str] | None = None) -> Path:
    (tmp_path / "pyproject.toml").write_text(f"[project]\nname = 'x'\n\n[tool.qlint]\n{table}\n")
    for name, text in (files or {"bad.py": TWO_FINDINGS}).items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return tmp_path


def _codes(out: str) -> list[str]:
    return [line.split()[1] for line in finding_lines(out)]


# -- configuration ---------------------------------------------------------------------


def test_config_select_and_command_line_precedence(tmp_path: Path, capsys) -> None:
    project = _project(tmp_path, 'select = ["QL104"]')
    assert _codes(_run(capsys, str(project))[1]) == ["QL104"]
    # The command line's --select replaces the config's; --extend-select adds to it.
    assert _codes(_run(capsys, "--select", "QL102", str(project))[1]) == ["QL102"]
    assert _codes(_run(capsys, "--extend-select", "QL102", str(project))[1]) == ["QL102", "QL104"]
    assert _codes(_run(capsys, "--isolated", str(project))[1]) == ["QL102", "QL104"]


def test_config_ignore_extend_ignore_and_prefixes(tmp_path: Path, capsys) -> None:
    project = _project(tmp_path, 'ignore = ["QL1"]\nextend-select = []')
    assert _run(capsys, str(project))[1] == ""
    # As in ruff, the command line is a later layer: its --select starts afresh...
    assert _codes(_run(capsys, "--select", "QL1", "--ignore", "QL102", str(project))[1]) == ["QL104"]
    assert _codes(_run(capsys, "--select", "QL104", str(project))[1]) == ["QL104"]
    # ...and without one it only adds to and takes from the file's selection.
    assert _run(capsys, "--ignore", "QL102", str(project))[1] == ""
    assert _codes(_run(capsys, "--extend-select", "QL102", str(project))[1]) == ["QL102"]


def test_a_later_ignore_wins_over_an_earlier_more_specific_select(tmp_path: Path, capsys) -> None:
    project = _project(tmp_path, 'select = ["QL104", "QL102"]')
    assert _codes(_run(capsys, "--ignore", "QL1", str(project))[1]) == []
    assert _codes(_run(capsys, "--extend-ignore", "QL102", str(project))[1]) == ["QL104"]


def test_config_is_found_walking_up_and_skips_pyprojects_without_the_table(tmp_path: Path, capsys) -> None:
    _project(tmp_path, 'select = ["QL104"]', {"pkg/sub/bad.py": TWO_FINDINGS})
    (tmp_path / "pkg" / "pyproject.toml").write_text("[project]\nname = 'inner'\n")
    assert _codes(_run(capsys, str(tmp_path / "pkg" / "sub"))[1]) == ["QL104"]


def test_config_per_file_ignores(tmp_path: Path, capsys) -> None:
    project = _project(
        tmp_path,
        '[tool.qlint.per-file-ignores]\n"tests/*.py" = ["QL104"]',
        {"src/bad.py": TWO_FINDINGS, "tests/bad.py": TWO_FINDINGS},
    )
    out = _run(capsys, str(project))[1]
    assert sorted((Path(line.split(":")[0]).parent.name, line.split()[1]) for line in finding_lines(out)) == [
        ("src", "QL102"), ("src", "QL104"), ("tests", "QL102"),
    ]
    out = _run(capsys, "--per-file-ignores", "bad.py:QL1", str(project))[1]
    assert out == ""


@pytest.mark.parametrize(
    "table, named",
    [
        ('selct = ["QL1"]', "unknown key 'selct'"),
        ('select = "QL104"', "select: expected a list of strings"),
        ('select = ["E501"]', "select: unknown rule selector 'E501'"),
        ('queue-name-regex = "("', "queue-name-regex: not a regular expression"),
        ('output-format = "xml"', "output-format: expected one of"),
        ('extra-queue-classes = ["JoinableQueue"]', "extra-queue-classes: 'JoinableQueue' is not a dotted class name"),
        ("select = [", "not valid TOML"),
        ('select = ["QL999"]', "select: unknown rule selector 'QL999'"),
        ('extend-ignore = ["QL9"]', "extend-ignore: unknown rule selector 'QL9'"),
        ('per-file-ignores = { "t/*" = ["QL999"] }', "per-file-ignores.t/*: unknown rule selector 'QL999'"),
    ],
)
def test_config_errors_name_the_key_and_exit_2(tmp_path: Path, capsys, table: str, named: str) -> None:
    project = _project(tmp_path, table)
    code, out, err = _run(capsys, str(project))
    assert code == 2 and out == ""
    assert named in err and err.count("\n") == 1 and err.startswith("qlint: ")


def test_a_pyproject_that_is_not_utf8_is_a_config_error(tmp_path: Path, capsys) -> None:
    # qlint searches parent folders, so a pyproject.toml that has nothing to do with it is read too.
    (tmp_path / "pyproject.toml").write_bytes(b"[project]\nname = 'caf\xe9'\n")
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "bad.py").write_text(BUGGY)
    code, out, err = _run(capsys, str(tmp_path / "src"))
    assert code == 2 and out == ""
    assert err.startswith(f"qlint: {tmp_path / 'pyproject.toml'}: not valid TOML: ") and err.count("\n") == 1


def test_bad_selector_on_the_command_line(tmp_path: Path, capsys) -> None:
    code, _, err = _run(capsys, "--select", "F401", str(tmp_path))
    assert code == 2 and "--select: unknown rule selector 'F401'" in err


@pytest.mark.parametrize("flag", ["--select", "--extend-select", "--ignore", "--extend-ignore"])
@pytest.mark.parametrize("selector", ["QL999", "QL9", "QL0"])
def test_a_selector_no_rule_has_is_an_error(tmp_path: Path, capsys, flag: str, selector: str) -> None:
    # As in ruff: a typo must not turn every rule off and pass CI with nothing checked.
    (tmp_path / "bad.py").write_text(BUGGY)
    code, out, err = _run(capsys, flag, selector, str(tmp_path))
    assert (code, out) == (2, "")
    assert err.startswith(f"qlint: {flag}: unknown rule selector {selector!r}") and err.count("\n") == 1
    assert _run(capsys, "--per-file-ignores", f"*.py:{selector}", str(tmp_path))[0] == 2
    assert _run(capsys, "--select", "QL10,ALL", str(tmp_path))[0] == 1  # real prefixes stay valid


def test_config_file_named_explicitly(tmp_path: Path, capsys) -> None:
    project = _project(tmp_path, "", {"bad.py": TWO_FINDINGS})
    other = tmp_path / "other.toml"
    other.write_text('[tool.qlint]\nselect = ["QL102"]\n')
    assert _codes(_run(capsys, "--config", str(other), str(project))[1]) == ["QL102"]
    (tmp_path / "empty.toml").write_text("")
    assert _run(capsys, "--config", str(tmp_path / "empty.toml"), str(project))[0] == 2


def test_a_registry_row_of_the_users_reaches_every_rule(tmp_path: Path, capsys) -> None:
    """A class of one's own may be called anything: `Channel` like asyncio.Queue gets QL303
    for an unawaited put, though no gate knows its name."""
    source = textwrap.dedent(
        """\
        import mylib.aio

        async def main():
            channel = mylib.aio.Channel()
            channel.put(1)
            await channel.join()
        """
    )
    project = _project(tmp_path, "", {"app.py": source})
    assert _run(capsys, str(project))[1] == ""
    row = '[tool.qlint.queue-classes]\n"mylib.aio.Channel" = { like = "asyncio.Queue" }'
    project = _project(tmp_path, row, {"app.py": source})
    assert _codes(_run(capsys, str(project))[1]) == ["QL303"]


def test_config_extra_queue_classes_and_name_regex(tmp_path: Path, capsys) -> None:
    source = textwrap.dedent(
        """\
        import mylib.jobs

        def worker(inbox):
            while True:
                item = inbox.get()
                work(item)

        def main():
            inbox = mylib.jobs.JobQueue()
            worker(inbox)
            inbox.join()
        """
    )
    # `inbox` is not a queue by its name, its class or a queue-only method...
    project = _project(tmp_path, "", {"app.py": source})
    assert _run(capsys, str(project))[1] == ""
    # ...until the class is configured (flat or as a registry row), or the name pattern says so.
    project = _project(tmp_path, 'extra-queue-classes = ["mylib.jobs.JobQueue"]', {"app.py": source})
    assert _codes(_run(capsys, str(project))[1]) == ["QL101"]
    row = '[tool.qlint.queue-classes]\n"mylib.jobs.JobQueue" = { like = "queue.Queue" }'
    project = _project(tmp_path, row, {"app.py": source})
    assert _codes(_run(capsys, str(project))[1]) == ["QL101"]
    project = _project(tmp_path, 'queue-name-regex = "inbox"', {"app.py": source})
    assert _codes(_run(capsys, str(project))[1]) == ["QL101"]
    # A class of the built-in registry needs no configuration.
    known = source.replace("mylib.jobs", "gevent.queue").replace("JobQueue", "JoinableQueue")
    project = _project(tmp_path, "", {"app.py": known})
    assert _codes(_run(capsys, str(project))[1]) == ["QL101"]


# -- discovery -----------------------------------------------------------------------------


def test_gitignore_and_default_exclusions(tmp_path: Path, capsys) -> None:
    project = _project(tmp_path, "", {
        "kept.py": BUGGY, "generated/gen.py": BUGGY, "sub/local.py": BUGGY, "sub/keep_me.py": BUGGY,
        "build/b.py": BUGGY, "venv_like/lib.py": BUGGY, "node_modules/n.py": BUGGY,
    })
    subprocess.run(["git", "init", "-q"], cwd=project, check=True)
    (project / ".gitignore").write_text("generated/\n")
    (project / "sub" / ".gitignore").write_text("*.py\n!keep_me.py\n")
    (project / "venv_like" / "pyvenv.cfg").write_text("home = /usr\n")
    (project / ".git" / "info").mkdir(parents=True, exist_ok=True)
    (project / ".git" / "info" / "exclude").write_text("kept_too.py\n")
    (project / "kept_too.py").write_text(BUGGY)
    out = _run(capsys, str(project))[1]
    linted = sorted({Path(line.split(":")[0]).relative_to(project).as_posix() for line in finding_lines(out)})
    assert linted == ["kept.py", "sub/keep_me.py"]


def test_a_named_folder_is_linted_even_if_git_ignores_it(tmp_path: Path, capsys) -> None:
    project = _project(tmp_path, "", {"versions/lib/app.py": BUGGY, "versions/lib/gen/g.py": BUGGY})
    subprocess.run(["git", "init", "-q"], cwd=project, check=True)
    (project / ".gitignore").write_text("/versions/\n")
    (project / "versions" / "lib" / ".gitignore").write_text("gen/\n")
    assert _run(capsys, str(project))[1] == ""
    out = _run(capsys, str(project / "versions" / "lib"))[1]
    assert [Path(line.split(":")[0]).name for line in finding_lines(out)] == ["app.py"]


def test_named_file_is_linted_even_if_excluded_unless_force_exclude(tmp_path: Path, capsys, monkeypatch) -> None:
    project = _project(tmp_path, 'extend-exclude = ["legacy_*.py"]', {"legacy_app.py": BUGGY})
    path = str(project / "legacy_app.py")
    assert _run(capsys, str(project))[1] == ""
    assert _codes(_run(capsys, path)[1]) == ["QL104"]
    assert _run(capsys, "--force-exclude", path) == (0, "", "")
    # A named file inside an excluded folder is excluded too (relative to the current folder).
    (project / "vendored").mkdir()
    (project / "vendored" / "lib.py").write_text(BUGGY)
    monkeypatch.chdir(project)
    assert _codes(_run(capsys, "--extend-exclude", "vendored", "vendored/lib.py")[1]) == ["QL104"]
    assert _run(capsys, "--force-exclude", "--extend-exclude", "vendored", "vendored/lib.py")[1] == ""


# -- standard input ----------------------------------------------------------------------------


def test_stdin_with_a_file_name(tmp_path: Path, monkeypatch, capsys) -> None:
    project = _project(tmp_path, '[tool.qlint.per-file-ignores]\n"skip_*.py" = ["QL"]', {})
    monkeypatch.chdir(project)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(TWO_FINDINGS.encode())))
    code, out, _ = _run(capsys, "--stdin-filename", "app/worker.py", "-")
    assert code == 1 and out.startswith("app/worker.py:8:")
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(TWO_FINDINGS.encode())))
    assert _run(capsys, "--stdin-filename", "skip_me.py", "-")[1] == ""
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(TWO_FINDINGS.encode())))
    assert _run(capsys, "-")[1].startswith("-:8:")


# -- output formats ------------------------------------------------------------------------------


def test_full_format_shows_the_source_and_a_caret(tmp_path: Path, capsys) -> None:
    path = _project(tmp_path) / "bad.py"
    out = _run(capsys, "--format", "full", str(path))[1]
    assert out.splitlines()[1:3] == ["                continue", "                ^^^^^^^^"]
    assert _run(capsys, "--show-source", str(path))[1] == out


def test_json_format(tmp_path: Path, capsys) -> None:
    path = _project(tmp_path) / "bad.py"
    found = json.loads(_run(capsys, "--format", "json", str(path))[1])
    assert [(f["code"], f["name"], f["location"], f["end_location"]) for f in found] == [
        ("QL102", "path-skips-task-done", {"row": 8, "column": 13}, {"row": 8, "column": 21}),
        ("QL104", "task-done-not-in-finally", {"row": 10, "column": 9}, {"row": 10, "column": 22}),
    ]
    assert found[0]["filename"] == str(path) and found[0]["fix"] is None
    assert found[0]["url"] is None and found[0]["message"].startswith("this path")


def test_sarif_format_validates_and_walks_the_skipping_path(tmp_path: Path, capsys) -> None:
    path = _project(tmp_path) / "bad.py"
    document = json.loads(_run(capsys, "--format", "sarif", str(path))[1])
    jsonschema.validate(document, json.loads(SCHEMA.read_text()))
    run = document["runs"][0]
    assert [r["id"] for r in run["tool"]["driver"]["rules"]][:4] == ["QL101", "QL102", "QL103", "QL104"]
    results = run["results"]
    assert [r["ruleId"] for r in results] == ["QL102", "QL104"]
    flow = results[0]["codeFlows"][0]["threadFlows"][0]["locations"]
    assert [step["location"]["physicalLocation"]["region"]["startLine"] for step in flow] == [5, 8]
    assert run["tool"]["driver"]["rules"][results[0]["ruleIndex"]]["id"] == "QL102"


def test_sarif_with_no_findings_validates(tmp_path: Path, capsys) -> None:
    (tmp_path / "ok.py").write_text(CLEAN)
    document = json.loads(_run(capsys, "--format", "sarif", str(tmp_path))[1])
    jsonschema.validate(document, json.loads(SCHEMA.read_text()))
    assert document["runs"][0]["results"] == []


def test_github_format(tmp_path: Path, capsys) -> None:
    path = _project(tmp_path) / "bad.py"
    lines = _run(capsys, "--format", "github", str(path))[1].splitlines()
    assert lines[1] == (
        f"::error title=qlint (QL104),file={path},line=10,col=9,endLine=10,endColumn=22::QL104 "
        + "task_done() is skipped when the processing above raises%3A a caller's join() then waits forever; "
        "call it in a finally%3A block".replace("%3A", ":")
    )


def test_statistics_and_output_file(tmp_path: Path, capsys) -> None:
    project = _project(tmp_path, "", {"a.py": TWO_FINDINGS, "b.py": BUGGY})
    code, out, _ = _run(capsys, "--statistics", str(project))
    assert code == 1 and out == "2\tQL104\ttask-done-not-in-finally\n1\tQL102\tpath-skips-task-done\n"
    target = tmp_path / "out.json"
    assert _run(capsys, "--format", "json", "-o", str(target), str(project))[1] == ""
    assert len(json.loads(target.read_text())) == 3


def _qlint_output(args: list[str], on_a_terminal: bool, **env: str) -> str:
    """What `python -m qlint ARGS` writes to its standard output: a pseudo-terminal or a pipe."""
    environment = {k: v for k, v in os.environ.items() if k != "NO_COLOR"} | env
    command = [sys.executable, "-m", "qlint", *args]
    if not on_a_terminal:
        return subprocess.run(command, capture_output=True, text=True, env=environment, timeout=120).stdout
    import pty

    leader, follower = pty.openpty()
    with subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=follower, stderr=subprocess.DEVNULL,
                          env=environment) as process:
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # EIO: the other side of the terminal is closed
                break
            if not chunk:
                break
            chunks.append(chunk)
        process.wait(timeout=120)
    os.close(leader)
    return b"".join(chunks).decode("utf-8").replace("\r\n", "\n")


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
def test_color_only_on_a_terminal(tmp_path: Path) -> None:
    path = str(_project(tmp_path) / "bad.py")
    coloured = _qlint_output([path], on_a_terminal=True)
    assert "\033[" in coloured and "QL104" in coloured
    for plain in (
        _qlint_output([path], on_a_terminal=False),
        _qlint_output(["--no-color", path], on_a_terminal=True),
        _qlint_output([path], on_a_terminal=True, NO_COLOR="1"),
        _qlint_output(["--format", "json", path], on_a_terminal=True),
        _qlint_output(["-o", str(tmp_path / "out.txt"), path], on_a_terminal=True) + (tmp_path / "out.txt").read_text(),
    ):
        assert "QL104" in plain and "\033[" not in plain, plain


def test_show_source_is_for_text_output(tmp_path: Path, capsys) -> None:
    path = _project(tmp_path) / "bad.py"
    code, out, err = _run(capsys, "--format", "json", "--show-source", str(path))
    assert code == 2 and out == "" and "--show-source is for text output" in err
