"""A cached result is found by its file's stamp, without reading the file, only while the
stamp is settled (qlint.cache.settled_stamp) and unchanged: an edit of any kind, even one
that keeps the size or puts the modification time back, has the bytes read again."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from qlint import cache, runner
from tests.project_cache import run_qlint
from tests.test_cli import BUGGY

# The same size as BUGGY, and nothing to find: no queue's get.
QUIET = BUGGY.replace("item = q.get()", "item = q.gex()")


@pytest.fixture
def reads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the files each run reads."""
    names: list[str] = []
    real = runner.read_source

    def recording(path: str) -> tuple[bytes | None, str | None]:
        names.append(Path(path).name)
        return real(path)

    monkeypatch.setattr(runner, "read_source", recording)
    return names


@pytest.fixture
def trusting(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every file counts as settled: as the files of a tree nobody has touched for a while."""
    monkeypatch.setattr(cache, "SETTLED_NS", -(10**18))


def _project(tmp_path: Path) -> Path:
    project = tmp_path / "app"
    project.mkdir()
    (project / "pyproject.toml").write_text("")
    (project / "bad.py").write_text(BUGGY)
    (project / "other.py").write_text(BUGGY)
    return project


def _stamps(tmp_path: Path) -> dict[str, object]:
    [results] = [f for f in (tmp_path / "cache").glob("*/*.json") if "-" not in f.name]
    return {Path(path).name: entry["stamp"] for path, entry in json.loads(results.read_text())["files"].items()}


@pytest.mark.usefixtures("trusting")
def test_a_settled_unchanged_file_is_not_read_again(tmp_path: Path, reads: list[str]) -> None:
    project = _project(tmp_path)
    first = run_qlint(project)
    assert "bad.py:7:9: QL104" in first
    reads.clear()
    assert run_qlint(project) == first
    assert reads == []


@pytest.mark.usefixtures("trusting")
@pytest.mark.parametrize("edit", ["resized", "same-size-later-time", "same-size-same-time-replaced"])
def test_an_edited_file_is_read_again(tmp_path: Path, reads: list[str], edit: str) -> None:
    project = _project(tmp_path)
    bad = project / "bad.py"
    assert "bad.py:7:9: QL104" in run_qlint(project, "--isolated-modules")
    before = bad.stat()
    if edit == "resized":
        bad.write_text(QUIET + "\n")
    elif edit == "same-size-later-time":
        bad.write_text(QUIET)
        os.utime(bad, ns=(before.st_atime_ns, before.st_mtime_ns + 1_000_000_000))
    else:  # as an editor saves (a new file renamed over the old), with the old time put back
        (project / "bad.py.new").write_text(QUIET)
        os.replace(project / "bad.py.new", bad)
        os.utime(bad, ns=(before.st_atime_ns, before.st_mtime_ns))
        assert (bad.stat().st_size, bad.stat().st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    reads.clear()
    out = run_qlint(project, "--isolated-modules")
    assert "bad.py" not in out and "other.py:7:9: QL104" in out
    assert "bad.py" in reads and "other.py" not in reads


def test_a_file_changed_just_now_keeps_no_stamp(tmp_path: Path, reads: list[str], monkeypatch: pytest.MonkeyPatch
                                                ) -> None:
    """A change in the same tick of the clock as the one before would leave the stamp equal:
    a file that changed less than SETTLED_NS ago is read each run until it has settled."""
    project = _project(tmp_path)
    first = run_qlint(project)
    assert _stamps(tmp_path) == {"bad.py": None, "other.py": None}
    reads.clear()
    assert run_qlint(project) == first
    assert sorted(reads) == ["bad.py", "other.py"]
    monkeypatch.setattr(cache, "SETTLED_NS", -(10**18))  # some time later
    assert run_qlint(project) == first  # found by its bytes, and its stamp noted
    assert all(_stamps(tmp_path).values())
    reads.clear()
    assert run_qlint(project) == first
    assert reads == []


@pytest.mark.usefixtures("trusting")
def test_files_the_whole_project_workers_read_keep_their_stamps(tmp_path: Path, reads: list[str]) -> None:
    """A cold whole-project run reads its files in a pool before `runner.run`: the stamps
    taken before it started serve the next run, which then reads nothing."""
    project = _project(tmp_path)
    for n in range(10):  # enough files for the pool (whole_project.py)
        (project / f"more{n}.py").write_text(BUGGY)
    first = run_qlint(project, "--jobs", "2")
    assert "more9.py:7:9: QL104" in first
    assert all(_stamps(tmp_path).values())
    reads.clear()
    assert run_qlint(project, "--jobs", "2") == first
    assert reads == []
