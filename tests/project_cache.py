"""What the project cache tests share: a project in a temporary folder whose runs record
which files they lint (not served by the cache), and `qlint` run on it."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pytest

from qlint import runner
from qlint.cli import main

# A queue in orders.py, joined in checkout.py.
ORDERS = """\
import queue

orders = queue.Queue()


def process_orders():
    while True:
        order = orders.get()
        print(order)
        orders.task_done()
"""
CHECKOUT = """\
import orders

# wait for the orders to be processed
def checkout():
    orders.orders.join()
"""


def recording_project(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, files: dict[str, str], name: str = "app"
) -> tuple[Path, list[str]]:
    """A project `name` (its own pyproject.toml) holding `files`, and the names of the files
    each run lints."""
    project = tmp_path / name
    project.mkdir()
    (project / "pyproject.toml").write_text("")
    for file, text in files.items():
        (project / file).write_text(text)
    names: list[str] = []
    real = runner.lint_file

    def recording(path: str, *args: object, **kwargs: object) -> runner.FileResult:
        names.append(Path(path).name)
        return real(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(runner, "lint_file", recording)
    return project, names


def run_qlint(project: Path, *extra: str) -> str:
    """`qlint --jobs 1 EXTRA PROJECT` with a cache beside the project: what it prints."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        main(["--jobs", "1", "--cache-dir", str(project.parent / "cache"), *extra, str(project)])
    return out.getvalue()
