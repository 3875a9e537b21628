"""The fixture projects (fixtures/projects/NAME/): small programs of several modules whose
findings depend on another file. Each line that must get a finding ends with `# error:
QLnnn`, as in the other fixtures; every surface reports exactly those: `qlint NAME/`,
`qlint NAME/file.py` (what pre-commit runs on one changed file), and `flake8 --select QL`.
The entry module's `# runtime:` header says what the program does when run."""

from __future__ import annotations

import contextlib
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from qlint.cli import main
from tests.fixture_expectations import FIXTURES, expectations
from tests.test_runtime import HANG_SECONDS, runtime_header

PROJECTS = sorted(p for p in (FIXTURES / "projects").iterdir() if p.is_dir())
_LINE = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?P<code>QL\d{3}) ")


def _files(project: Path) -> list[Path]:
    return sorted(project.rglob("*.py"))


def _expected(project: Path) -> list[str]:
    return sorted(
        f"{path.relative_to(project).as_posix()}:{mark.line}:{mark.code}"
        for path in _files(project) for mark in expectations(path.read_text("utf-8"))
    )


def _qlint(*args: str) -> list[str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        status = main(["--no-cache", "--jobs", "1", *args])
    assert status in (0, 1), out.getvalue()
    return [line for line in out.getvalue().splitlines() if _LINE.match(line)]


def _found(lines: list[str], project: Path) -> list[str]:
    found = []
    for line in lines:
        match = _LINE.match(line)
        assert match is not None
        path = Path(os.path.abspath(match.group("path"))).relative_to(project).as_posix()
        found.append(f"{path}:{match.group('line')}:{match.group('code')}")
    return sorted(found)


def test_every_project_has_a_runnable_entry_and_its_own_root() -> None:
    assert len(PROJECTS) >= 6
    for project in PROJECTS:
        assert (project / "pyproject.toml").is_file(), f"{project.name}: its own root, or the fixtures would be one project"
        entries = [p for p in _files(project) if runtime_header(p)]
        assert len(entries) == 1, f"{project.name}: one entry module with a `# runtime:` header"
        ok = runtime_header(entries[0]) == "ok"
        assert ok == project.name.startswith("ok_"), project.name
        assert ok == (not _expected(project)), f"{project.name}: negatives expect nothing, the others something"


@pytest.mark.parametrize("project", PROJECTS, ids=[p.name for p in PROJECTS])
def test_qlint_on_the_folder_reports_the_inline_expectations(project: Path) -> None:
    assert _found(_qlint(str(project)), project) == _expected(project)


@pytest.mark.parametrize("project", PROJECTS, ids=[p.name for p in PROJECTS])
def test_qlint_on_each_file_reports_what_the_folder_run_does(project: Path) -> None:
    """pre-commit passes only the changed files: each is judged with its whole project."""
    whole = _qlint(str(project))
    for path in _files(project):
        alone = _qlint("--force-exclude", str(path))  # the hook's entry: qlint --force-exclude FILES
        assert _found(alone, project) == [f for f in _found(whole, project) if f.startswith(path.relative_to(project).as_posix() + ":")]


def test_the_findings_need_the_other_modules() -> None:
    """With --isolated-modules, the joins in other files are not seen: these go silent."""
    for name in ("client_private_queues", "relative_package", "cycle", "imported_target", "async_attribute",
                 "join_simplequeue_attribute", "relative_target", "relative_attribute"):
        project = FIXTURES / "projects" / name
        assert _expected(project)
        assert _qlint("--isolated-modules", str(project)) == []


def test_a_message_names_the_join_in_the_other_file() -> None:
    project = FIXTURES / "projects" / "client_private_queues"
    [line] = _qlint(str(project))
    assert "the join() in tests/test_client.py:7 then waits forever" in line


def test_a_message_names_the_thread_target_in_the_other_file() -> None:
    project = FIXTURES / "projects" / "imported_target"
    ql204, ql203 = _qlint(str(project))
    assert "producers (produce() in app/producers.py:6) may still be putting" in ql204
    assert "consume() in app/workers.py:8 runs a consumer loop that never ends" in ql203


def test_a_helper_of_another_module_makes_the_loop_an_acknowledging_one() -> None:
    """Judged alone, workers.py hands its queue to code it cannot see (nothing reported);
    with the project, finish() acknowledges, and the `continue` that skips it is QL102."""
    project = FIXTURES / "projects" / "helper_skipped"
    [ql102] = _qlint(str(project))
    assert "QL102 this path goes back to the next get() without task_done(): the join() in main.py:17" in ql102
    assert _qlint("--isolated-modules", str(project)) == []


def test_a_relative_import_names_the_target_and_the_queue_s_file() -> None:
    ql204, ql203 = _qlint(str(FIXTURES / "projects" / "relative_target"))
    assert "producers (produce() in shop/jobs/producers.py:6) may still be putting" in ql204
    assert "consume() in shop/jobs/workers.py:8 runs a consumer loop that never ends" in ql203
    [ql303] = _qlint(str(FIXTURES / "projects" / "relative_attribute"))
    assert "(the queue is made in chat/client.py:8)" in ql303


def test_a_message_names_the_file_that_builds_the_queue() -> None:
    [ql303] = _qlint(str(FIXTURES / "projects" / "async_attribute"))
    assert "asyncio.Queue method not awaited (the queue is made in app/client.py:8)" in ql303
    [ql202] = _qlint(str(FIXTURES / "projects" / "join_simplequeue_attribute"))
    assert "this queue class (made in app/stats.py:8) has no join()" in ql202


def test_sarif_puts_the_file_that_builds_the_queue_into_the_code_flow() -> None:
    import json

    project = FIXTURES / "projects" / "async_attribute"
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        main(["--no-cache", "--jobs", "1", "--format", "sarif", str(project)])
    [result] = json.loads(out.getvalue())["runs"][0]["results"]
    flow = result["codeFlows"][0]["threadFlows"][0]["locations"]
    last = flow[-1]["location"]["physicalLocation"]
    assert last["artifactLocation"]["uri"].endswith("app/client.py") and last["region"]["startLine"] == 8


def test_sarif_puts_the_other_file_into_the_code_flow() -> None:
    import json

    project = FIXTURES / "projects" / "relative_package"
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        main(["--no-cache", "--jobs", "1", "--format", "sarif", str(project)])
    [result] = json.loads(out.getvalue())["runs"][0]["results"]
    flow = result["codeFlows"][0]["threadFlows"][0]["locations"]
    places = [(step["location"]["physicalLocation"]["artifactLocation"]["uri"],
               step["location"]["physicalLocation"]["region"]["startLine"]) for step in flow]
    assert places[0][0].endswith("shop/orders.py")
    assert places[-1][0].endswith("shop/checkout.py") and places[-1][1] == 10


@pytest.mark.slow
def test_flake8_reports_what_qlint_reports() -> None:
    for project in PROJECTS:
        command = [sys.executable, "-m", "flake8", "--isolated", "--select", "QL", "-j", "1", str(project)]
        done = subprocess.run(command, capture_output=True, text=True, timeout=300, env={**os.environ, "QLINT_CACHE_DIR": ""})
        assert done.returncode in (0, 1), done.stderr
        assert _found(done.stdout.splitlines(), project) == _expected(project), project.name
        one = sorted(str(p) for p in _files(project))[-1]  # flake8 on one file: the same index
        done = subprocess.run([*command[:-1], one], capture_output=True, text=True, timeout=300)
        assert _found(done.stdout.splitlines(), project) == [
            f for f in _expected(project) if f.startswith(Path(one).relative_to(project).as_posix() + ":")
        ]


ENTRIES = [p for project in PROJECTS for p in _files(project) if runtime_header(p)]


@pytest.mark.slow
@pytest.mark.runtime
@pytest.mark.parametrize("entry", ENTRIES, ids=[p.parent.name for p in ENTRIES])
def test_project_runs_as_its_header_says(entry: Path) -> None:
    what = runtime_header(entry)
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    try:
        done = subprocess.run([sys.executable, entry.name], cwd=entry.parent, capture_output=True, text=True,
                              timeout=HANG_SECONDS if what == "hangs" else 30, env=env)
    except subprocess.TimeoutExpired:
        assert what == "hangs"
        return
    assert what == "ok" and done.returncode == 0, (what, done.returncode, done.stderr[-500:])


def test_standard_input_named_in_a_project_is_judged_with_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """An editor pipes its buffer with --stdin-filename: the same finding as on the file."""
    project = FIXTURES / "projects" / "cycle"
    source = (project / "tasks.py").read_bytes()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(source)))
    lines = _qlint("--stdin-filename", str(project / "tasks.py"), "-")
    assert _found(lines, project) == ["tasks.py:14:QL104"]
    assert "the join() in reports.py:15" in lines[0]


def test_a_project_below_the_folder_given_is_judged_as_its_own() -> None:
    """`qlint fixtures/`: each fixture project (its own pyproject.toml) as `qlint NAME/` sees it."""
    whole = [line for line in _qlint(str(FIXTURES)) if "/projects/" in line]
    assert sorted(_found(whole, FIXTURES / "projects")) == sorted(
        f"{project.name}/{found}" for project in PROJECTS for found in _expected(project)
    )


def test_sarif_names_the_other_file_where_it_is_without_a_project_marker(tmp_path: Path) -> None:
    """No pyproject.toml, no git: the folder given is the project, and the code flow's last
    step is the joining file itself (not a path guessed from the finding's own folder)."""
    import json
    import shutil

    tree = tmp_path / "checkout"
    shutil.copytree(FIXTURES / "projects" / "client_private_queues", tree)
    (tree / "pyproject.toml").unlink()
    (tree / "src").mkdir()
    (tree / "client.py").rename(tree / "src" / "client.py")
    (tree / "tests" / "test_client.py").write_text(
        (tree / "tests" / "test_client.py").read_text().replace("from client import", "from src.client import")
    )
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        main(["--no-cache", "--jobs", "1", "--format", "sarif", str(tree)])
    [result] = json.loads(out.getvalue())["runs"][0]["results"]
    assert "the join() in tests/test_client.py:7" in result["message"]["text"]
    last = result["codeFlows"][0]["threadFlows"][0]["locations"][-1]["location"]["physicalLocation"]
    assert last["artifactLocation"]["uri"] == (tree / "tests" / "test_client.py").as_uri()
    assert last["region"]["startLine"] == 7


@pytest.mark.parametrize("project", PROJECTS, ids=[p.name for p in PROJECTS])
def test_fix_judges_each_file_with_its_project(project: Path, tmp_path: Path) -> None:
    """`qlint --fix NAME/` reports and fixes what `qlint NAME/` reports: a finding that rests
    on another module's join is not lost because a file is being fixed."""
    import shutil

    copy = tmp_path / project.name
    shutil.copytree(project, copy)
    before = _qlint(str(copy))
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        main(["--no-cache", "--jobs", "1", "--fix", str(copy)])
    summary = re.search(r"Found \d+ findings? \((\d+) fixed, (\d+) remaining\)", out.getvalue())
    if not before:
        assert summary is None, out.getvalue()
        return
    assert summary is not None, out.getvalue()
    fixed, remaining = int(summary.group(1)), int(summary.group(2))
    assert fixed + remaining == len(before)
    assert len(_qlint(str(copy))) == remaining
