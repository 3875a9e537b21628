"""Relative imports of thread targets and queue attributes (qlint/project/view.py):
`from .workers import consume` and `from ..client import Client` name the project's
functions and classes as absolute imports do, also in a package's `__init__.py`."""

from __future__ import annotations

import contextlib
import io
import shutil
from pathlib import Path

import pytest

from qlint.cli import main
from qlint.project.view import ProjectView
from tests.fixture_expectations import FIXTURES


@pytest.mark.parametrize(
    ("module", "package", "dotted", "absolute"),
    [
        ("shop.jobs.runner", False, ".workers.consume", "shop.jobs.workers.consume"),
        ("shop.jobs.runner", False, "..client.Client.inbox", "shop.client.Client.inbox"),
        ("shop.jobs", True, ".workers.consume", "shop.jobs.workers.consume"),
        ("shop.jobs", True, "..client.Client", "shop.client.Client"),
        ("shop.jobs.runner", False, "shop.jobs.workers.consume", "shop.jobs.workers.consume"),
        ("runner", False, "..client.Client", None),  # past the top
    ],
)
def test_a_relative_name_is_resolved_against_the_module(module: str, package: bool, dotted: str,
                                                        absolute: str | None) -> None:
    assert ProjectView(module, package=package).absolute(dotted) == absolute


def test_an_init_file_is_its_own_package() -> None:
    view = ProjectView("shop.jobs")
    assert view.in_file("src/shop/jobs/__init__.py").package
    assert not view.in_file("src/shop/jobs.py").package
    assert view.in_file("src/shop/jobs.py") is view


def test_a_relative_target_is_followed_from_a_package_s_init(tmp_path: Path) -> None:
    """The runner as shop/jobs/__init__.py: `.workers` is a module inside shop.jobs."""
    tree = tmp_path / "relative_target"
    shutil.copytree(FIXTURES / "projects" / "relative_target", tree)
    (tree / "shop" / "jobs" / "runner.py").replace(tree / "shop" / "jobs" / "__init__.py")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        main(["--no-cache", "--jobs", "1", str(tree)])
    found = [line.split(": ", 1)[0] + " " + line.split(": ", 1)[1][:5] for line in out.getvalue().splitlines() if " QL" in line]
    assert found == [f"{tree}/shop/jobs/__init__.py:18:5 QL204", f"{tree}/shop/jobs/__init__.py:19:5 QL203"]


def test_a_package_s_own_submodules_are_other_modules_for_the_gates() -> None:
    """shop/jobs/__init__.py is `shop.jobs`; `shop.jobs.workers.consume` is not its own."""
    from qlint.project.gates import needed_rules

    endless = ("shop/jobs/workers.py", (8, 9, (), (0,), True, (), (0,)))
    view = ProjectView("shop.jobs", targets={"shop.jobs.workers.consume": endless, "shop.jobs.run": endless})
    text = "from .workers import consume\nimport threading\nt = threading.Thread(target=consume)\nt.join()\n"
    assert needed_rules(view, text) == {"QL203", "QL204"}
    own = "import threading\ndef run(q): ...\nt = threading.Thread(target=run)\nt.join()\n"
    assert needed_rules(view, own + "from . import jobs\n") == set()  # its own function: judged from its bytes
