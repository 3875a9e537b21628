"""A cached result stays valid only while the project's answers it may use are unchanged:
editing the line of a join in another file re-lints the module whose queue it joins;
editing a comment there does not."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.project_cache import CHECKOUT, ORDERS, recording_project, run_qlint


@pytest.fixture
def linted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, list[str]]:
    """A project, and the names of the files each run lints (not served by the cache)."""
    return recording_project(tmp_path, monkeypatch, {"orders.py": ORDERS, "checkout.py": CHECKOUT}, "shop")


def test_editing_the_join_re_lints_the_module_it_joins(linted: tuple[Path, list[str]]) -> None:
    project, names = linted
    assert "checkout.py:5" in run_qlint(project)
    assert sorted(names) == ["checkout.py", "orders.py"]
    names.clear()
    assert "checkout.py:5" in run_qlint(project)
    assert names == []  # all cached
    (project / "checkout.py").write_text(CHECKOUT.replace("def checkout():", "def checkout():\n    print('go')"))
    out = run_qlint(project)
    assert sorted(names) == ["checkout.py", "orders.py"]  # the join moved: orders.py's finding names it
    assert "checkout.py:6" in out and "checkout.py:5" not in out


def test_editing_a_comment_does_not_re_lint_the_dependant(linted: tuple[Path, list[str]]) -> None:
    project, names = linted
    run_qlint(project)
    names.clear()
    (project / "checkout.py").write_text(CHECKOUT.replace("processed", "handled"))
    assert "checkout.py:5" in run_qlint(project)
    assert names == ["checkout.py"]  # its own bytes changed; its summary did not


def test_removing_the_join_re_lints_and_silences_the_dependant(linted: tuple[Path, list[str]]) -> None:
    project, names = linted
    assert "QL104" in run_qlint(project)
    (project / "checkout.py").write_text(CHECKOUT.replace("orders.orders.join()", "pass"))
    assert "QL104" not in run_qlint(project)


def test_isolated_modules_and_whole_project_results_do_not_share_entries(linted: tuple[Path, list[str]]) -> None:
    project, names = linted
    assert "QL104" in run_qlint(project)
    assert "QL104" not in run_qlint(project, "--isolated-modules")
    assert "QL104" in run_qlint(project)


def test_a_module_the_edit_does_not_concern_is_served_from_the_cache(linted: tuple[Path, list[str]]) -> None:
    """Moving a thread target changes the project's answers, so no quick key matches
    (qlint.cache): the modules that do not import it are found by their narrowed keys, not
    linted, and the run after finds them by their quick keys again."""
    project, names = linted
    (project / "feeder.py").write_text("def feed(q):\n    q.put(1)\n")
    run_qlint(project)
    names.clear()
    (project / "feeder.py").write_text("\n\ndef feed(q):\n    q.put(1)\n")
    run_qlint(project)
    assert names == ["feeder.py"]
    names.clear()
    run_qlint(project)
    assert names == []
