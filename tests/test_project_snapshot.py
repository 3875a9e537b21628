"""The kept context (qlint/project/snapshot.py) serves a run only while nothing it was built
from has changed: an edited, added or removed file makes the run build the index again,
and its findings follow the change (a stale context would keep the cache's old answer)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from qlint.cache import summary_store
from qlint.files import DEFAULT_EXCLUDE
from qlint.project import layout, snapshot
from qlint.project.context import build_context
from qlint.project.index import ProjectIndex
from tests.project_cache import CHECKOUT, ORDERS, recording_project, run_qlint

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


@pytest.fixture
def indexed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The roots of the indexes each run builds (none when the kept context serves it)."""
    roots: list[str] = []
    real = ProjectIndex.build

    def recording(cls: type[ProjectIndex], root: str, *args: object, **kwargs: object) -> ProjectIndex:
        roots.append(root)
        return real(root, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(ProjectIndex, "build", classmethod(recording))
    return roots


def _shop(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, files: dict[str, str]) -> Path:
    return recording_project(tmp_path, monkeypatch, files, "shop")[0]


def test_an_unchanged_project_is_served_by_the_kept_context(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, indexed: list[str]
) -> None:
    project = _shop(tmp_path, monkeypatch, {"orders.py": ORDERS, "checkout.py": CHECKOUT})
    first = run_qlint(project)
    assert "checkout.py:5" in first and indexed
    indexed.clear()
    assert run_qlint(project) == first
    assert indexed == []


@pytest.mark.parametrize("same_size", [True, False], ids=["same-size", "resized"])
def test_an_edited_file_is_indexed_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, indexed: list[str], same_size: bool
) -> None:
    project = _shop(tmp_path, monkeypatch, {"orders.py": ORDERS, "checkout.py": CHECKOUT})
    assert "checkout.py:5" in run_qlint(project)
    assert "checkout.py:5" in run_qlint(project)  # the kept context serves it now
    indexed.clear()
    checkout = project / "checkout.py"
    before = checkout.stat()
    # No join any more: orders.py's finding named it. Of the same size, only the time tells.
    edited = CHECKOUT.replace("orders.orders.join()", "print(orders.orders)" if same_size else "pass")
    checkout.write_text(edited)
    assert (checkout.stat().st_size == before.st_size) == same_size
    os.utime(checkout, ns=(before.st_atime_ns, before.st_mtime_ns + 1_000_000_000))
    assert "QL104" not in run_qlint(project)
    assert indexed


def test_an_added_file_is_indexed_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, indexed: list[str]) -> None:
    project = _shop(tmp_path, monkeypatch, {"orders.py": ORDERS})
    assert "QL104" not in run_qlint(project)
    assert "QL104" not in run_qlint(project)  # the kept context serves it now
    indexed.clear()
    (project / "checkout.py").write_text(CHECKOUT)
    out = run_qlint(project)
    assert "orders.py:10:9: QL104" in out and "checkout.py:5" in out
    assert indexed


def test_a_removed_file_is_indexed_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, indexed: list[str]) -> None:
    project = _shop(tmp_path, monkeypatch, {"orders.py": ORDERS, "checkout.py": CHECKOUT})
    assert "checkout.py:5" in run_qlint(project)
    assert "checkout.py:5" in run_qlint(project)  # the kept context serves it now
    indexed.clear()
    (project / "checkout.py").unlink()
    assert "QL104" not in run_qlint(project)
    assert indexed


def test_a_renamed_file_is_indexed_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, indexed: list[str]) -> None:
    """A rename keeps the file's size and time: only the plan's paths tell."""
    project = _shop(tmp_path, monkeypatch, {"orders.py": ORDERS, "checkout.py": CHECKOUT})
    assert "checkout.py:5" in run_qlint(project)
    assert "checkout.py:5" in run_qlint(project)  # the kept context serves it now
    indexed.clear()
    (project / "checkout.py").rename(project / "checkouts.py")
    out = run_qlint(project)
    assert "checkouts.py:5" in out and "checkout.py:5" not in out
    assert indexed


def test_a_package_made_outside_the_plan_is_indexed_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, indexed: list[str]
) -> None:
    """An `__init__.py` the exclusions leave out of the plan still makes its folder a
    package, which renames the modules in it: `import orders` no longer reaches pkg/orders.py."""
    project = _shop(tmp_path, monkeypatch, {})
    (project / "pyproject.toml").write_text('[tool.qlint]\nextend-exclude = ["__init__.py"]\n')
    (project / "pkg").mkdir()
    (project / "pkg" / "orders.py").write_text(ORDERS)
    (project / "pkg" / "checkout.py").write_text(CHECKOUT)
    assert "pkg/checkout.py:5" in run_qlint(project)
    assert "pkg/checkout.py:5" in run_qlint(project)  # the kept context serves it now
    indexed.clear()
    (project / "pkg" / "__init__.py").write_text("")
    layout._is_package.cache_clear()  # remembered for a run: the next run is another process
    assert "QL104" not in run_qlint(project)
    assert indexed


def test_the_kept_context_is_the_one_built(tmp_path: Path) -> None:
    """Every kind of answer (joins, unknown receivers, targets, queue attributes) read
    back as it was built, in its order, over the fixtures' projects."""
    store = summary_store(tmp_path / "cache")
    linted = [str(path) for path in sorted(FIXTURES.rglob("*.py"))]
    built = build_context([str(FIXTURES)], store, DEFAULT_EXCLUDE, 1, linted)
    assert built.views and built.targets and built.made
    kept = snapshot.kept_context(store, [str(FIXTURES)], DEFAULT_EXCLUDE, linted)
    assert kept == built
    assert list(kept.roots) == list(built.roots) and list(kept.views) == list(built.views)
    assert all(kept.quick_key_for(path) == built.quick_key_for(path) for path in built.roots)


def test_a_snapshot_that_is_not_ours_is_ignored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, indexed: list[str]
) -> None:
    project = _shop(tmp_path, monkeypatch, {"orders.py": ORDERS, "checkout.py": CHECKOUT})
    first = run_qlint(project)
    [kept] = (tmp_path / "cache").rglob("context-*.json")
    kept.write_text(kept.read_text().replace('"files":[', '"files":[1,'))
    indexed.clear()
    assert run_qlint(project) == first
    assert indexed


def test_a_run_the_kept_context_misses_plans_its_projects_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, indexed: list[str]
) -> None:
    """The look-up of the kept context plans the projects and takes their state; when it
    misses, the index is built from that plan, not from a second one (pre-commit's one
    changed file pays this on every commit)."""
    from qlint.project import context

    project = _shop(tmp_path, monkeypatch, {"orders.py": ORDERS, "checkout.py": CHECKOUT})
    run_qlint(project)
    (project / "checkout.py").write_text(CHECKOUT + "\n# edited\n")
    plans: list[object] = []
    states: list[object] = []
    real_plan, real_state = context.plan_projects, snapshot.state_of

    def planning(*args: object, **kwargs: object) -> object:
        plans.append(args)
        return real_plan(*args, **kwargs)  # type: ignore[arg-type]

    def stating(*args: object) -> object:
        states.append(args)
        return real_state(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(snapshot, "plan_projects", planning)
    monkeypatch.setattr(context, "plan_projects", planning)
    monkeypatch.setattr(snapshot, "state_of", stating)
    monkeypatch.setattr("qlint.whole_project.plan_projects", planning)
    indexed.clear()
    assert "checkout.py:5" in run_qlint(project)
    assert indexed and len(plans) == 1 and len(states) == 1
