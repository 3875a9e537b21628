"""The flake8 plugin is the same tool: same configuration, same errors, and cheap to load."""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from qlint.flake8_plugin import QlintChecker
from tests.test_cli import BUGGY

GEVENT_WORKER = textwrap.dedent(
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
CONFIG = '[tool.qlint]\nextra-queue-classes = ["mylib.jobs.JobQueue"]\n'


def _plugin(path: Path) -> list[tuple[int, int, str]]:
    text = path.read_text()
    checker = QlintChecker(ast.parse(text), str(path), text.splitlines(keepends=True))
    return [(line, col, message) for line, col, message, _ in checker.run()]


def _project(root: Path, config: str, source: str) -> Path:
    (root / "pyproject.toml").write_text(config)
    (root / "pkg").mkdir()
    path = root / "pkg" / "app.py"
    path.write_text(source)
    return path


def test_the_plugin_reads_tool_qlint_of_the_files_project(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    configured = _project(tmp_path / "a", CONFIG, GEVENT_WORKER)
    plain = _project(tmp_path / "b", "[project]\nname = 'b'\n", GEVENT_WORKER)
    assert [message.split()[0] for _, _, message in _plugin(configured)] == ["QL101"]
    assert _plugin(plain) == []


def test_the_plugin_applies_the_files_selection_too(tmp_path: Path) -> None:
    # flake8's own --select and per-file-ignores then apply on top, as for any plugin.
    (tmp_path / "on").mkdir()
    (tmp_path / "off").mkdir()
    assert [m.split()[0] for _, _, m in _plugin(_project(tmp_path / "on", "[tool.qlint]\n", BUGGY))] == ["QL104"]
    assert _plugin(_project(tmp_path / "off", '[tool.qlint]\nignore = ["QL104"]\n', BUGGY)) == []


def test_a_configuration_error_is_ql000_at_line_1(tmp_path: Path) -> None:
    path = _project(tmp_path, '[tool.qlint]\nselect = ["QL999"]\n', GEVENT_WORKER)
    [(line, col, message)] = _plugin(path)
    assert (line, col) == (1, 0) and message.startswith("QL000 configuration: ") and "'QL999'" in message


def test_what_qlint_reports_as_an_error_is_ql000_at_line_1(tmp_path: Path) -> None:
    deep = GEVENT_WORKER.replace("work(item)", "q.put(" + "[" * 150 + "1" + "]" * 150 + ")\n        q.task_done()")
    path = _project(tmp_path, CONFIG, deep)
    assert _plugin(path) == [(1, 0, "QL000 nested more than 100 levels deep: not analysed")]


def test_loading_the_plugin_does_not_import_libcst(tmp_path: Path) -> None:
    small = tmp_path / "small.py"
    small.write_text("import os\n\nprint(os.getcwd())\n")
    script = (
        "import ast, sys\n"
        "from qlint.flake8_plugin import QlintChecker\n"
        "assert 'libcst' not in sys.modules, 'loaded with the plugin'\n"
        f"text = open({str(small)!r}).read()\n"
        f"assert list(QlintChecker(ast.parse(text), {str(small)!r}, text.splitlines(True)).run()) == []\n"
        "assert 'libcst' not in sys.modules, 'loaded for a file no rule can fire on'\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


@pytest.mark.slow
def test_flake8_and_qlint_report_the_same_with_a_config_file(tmp_path: Path) -> None:
    path = _project(tmp_path, CONFIG, GEVENT_WORKER)
    flake8 = subprocess.run([sys.executable, "-m", "flake8", "--select", "QL", "pkg/app.py"], cwd=tmp_path,
                            capture_output=True, text=True, timeout=120)
    qlint = subprocess.run([sys.executable, "-m", "qlint", "--no-cache", "pkg/app.py"], cwd=tmp_path,
                           capture_output=True, text=True, timeout=120)
    assert flake8.stdout == qlint.stdout and "QL101" in qlint.stdout, (flake8.stdout, flake8.stderr)
    assert path.exists()


def test_the_project_view_leaves_out_what_flake8_excludes(tmp_path: Path) -> None:
    """The client's private queue is joined only in tests/: with flake8 told to exclude
    tests/, the plugin neither reads that join nor reports what relies on it."""
    import argparse
    import shutil

    from tests.fixture_expectations import FIXTURES

    project = tmp_path / "client"
    shutil.copytree(FIXTURES / "projects" / "client_private_queues", project)
    client = project / "client.py"
    text = client.read_text("utf-8")

    def codes(excluded: list[str]) -> list[str]:
        QlintChecker.parse_options(argparse.Namespace(filenames=[str(project)], exclude=[], extend_exclude=excluded))
        try:
            found = QlintChecker(ast.parse(text), str(client), text.splitlines(True)).run()
            return sorted(message.split()[0] for _, _, message, _ in found)
        finally:
            QlintChecker.parse_options(argparse.Namespace(filenames=None))

    assert QlintChecker.excluded == ()
    assert codes([]), "the join in tests/ makes the client's findings"
    assert codes(["tests"]) == []


@pytest.mark.parametrize("jobs, prepared", [("2", True), ("1", False)])
def test_the_view_and_the_engine_are_ready_before_flake8_forks_its_workers(
    tmp_path: Path, jobs: str, prepared: bool,
) -> None:
    """With more than one job, the process that forks flake8's workers builds the project
    view and imports the engine once, for all of them, and freezes what they inherit (their
    collections need not walk it); with one job, the first file does the work."""
    (tmp_path / "app.py").write_text(GEVENT_WORKER)
    script = (  # Python 3.12 starts with objects frozen already: what counts is that more are
        "import argparse, gc, sys\n"
        "from flake8.main.options import JobsArgument\n"
        "from qlint.flake8_plugin import QlintChecker, project_for\n"
        "frozen = gc.get_freeze_count()\n"
        f"QlintChecker.parse_options(argparse.Namespace(filenames=[{str(tmp_path)!r}], jobs=JobsArgument({jobs!r})))\n"
        "print(project_for.cache_info().currsize, 'libcst' in sys.modules, gc.get_freeze_count() > frozen)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    import multiprocessing

    prepared = prepared and multiprocessing.get_all_start_methods()[0] == "fork"  # else each worker starts afresh
    assert done.stdout.split() == (["1", "True", "True"] if prepared else ["0", "False", "False"])


def test_a_file_that_may_fire_passes_each_gate_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The rules' text gates and the tree gate are the engine's to ask: the plugin asked
    them first too, and LibCST's files paid both twice."""
    import qlint.engine

    asked: list[str] = []
    for name in ("rules_for", "possible_rules"):
        original = getattr(qlint.engine, name)
        monkeypatch.setattr(qlint.engine, name, lambda *args, _f=original, _n=name, **kw: asked.append(_n) or _f(*args, **kw))
    path = _project(tmp_path, "[tool.qlint]\n", BUGGY)
    assert [m.split()[0] for _, _, m in _plugin(path)] == ["QL104"]
    assert sorted(asked) == ["possible_rules", "rules_for"]
