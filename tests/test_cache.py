"""The result cache gives back exactly what was stored, misses on any change, and never raises."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

import qlint
from qlint.cache import (
    CACHE_DIR_NAME,
    ROW_FIELDS,
    ResultCache,
    content_digest,
    settings_key,
)
from qlint.diagnostic import Diagnostic, Edit, FixSummary
from qlint.settings import Settings

SOURCE = b"import queue\nq = queue.Queue()\nq.get()\n"
FINDING = Diagnostic(
    "pkg/mod.py", 3, 1, "QL101", "get() without task_done()", 3, 8,
    steps=((2, 1, "queue created"), (3, 1, "item taken, never marked done")),
)
PLAIN = Diagnostic("pkg/mod.py", 1, 1, "QL000", "syntax error: invalid syntax")
ERRORS = ["pkg/mod.py: rule QL104 crashed: boom"]


def cache_files(root: Path) -> list[Path]:
    return sorted((root / CACHE_DIR_NAME).glob("*/*.json"))


def saved(root: Path) -> Path:
    cache = ResultCache.load(root / CACHE_DIR_NAME, Settings(), version="9.9")
    cache.store("pkg/mod.py", content_digest(SOURCE), [FINDING, PLAIN], ERRORS)
    cache.save()
    [file] = cache_files(root)
    return file


def test_round_trip_rebuilds_exact_frozen_diagnostics(tmp_path: Path) -> None:
    saved(tmp_path)
    found = ResultCache.load(tmp_path / CACHE_DIR_NAME, Settings(), version="9.9").lookup("pkg/mod.py", content_digest(SOURCE))
    assert found == ([FINDING, PLAIN], ERRORS)
    diagnostics, _ = found
    assert type(diagnostics[0].steps) is tuple
    assert all(type(step) is tuple for step in diagnostics[0].steps)
    assert hash(diagnostics[0]) == hash(FINDING)


def test_cache_knows_every_field_of_a_diagnostic() -> None:
    # A field the cache does not store would vanish on a warm run without any other test noticing.
    assert {field.name for field in dataclasses.fields(Diagnostic)} <= set(ROW_FIELDS)


def test_fix_round_trips(tmp_path: Path) -> None:
    edit = Edit(3, 1, 3, 8, "item = q.get()\ntry:\n    pass\nfinally:\n    q.task_done()")
    summary = FixSummary("unsafe", "Call task_done() in a finally", (edit,))
    fixed = dataclasses.replace(FINDING, fix=summary)
    cache = ResultCache.load(tmp_path / CACHE_DIR_NAME, Settings(), version="9.9")
    cache.store("pkg/mod.py", "d", [fixed, PLAIN], [])
    cache.save()
    [first, second] = ResultCache.load(tmp_path / CACHE_DIR_NAME, Settings(), version="9.9").lookup("pkg/mod.py", "d")[0]
    assert (first.fix, second.fix) == (summary, None)  # fix is compare=False: check it apart
    assert type(first.fix.edits) is tuple


def test_clean_file_round_trips_as_empty(tmp_path: Path) -> None:
    cache = ResultCache.load(tmp_path / CACHE_DIR_NAME, Settings(), version="9.9")
    cache.store("clean.py", content_digest(b"x = 1\n"), [], [])
    cache.save()
    again = ResultCache.load(tmp_path / CACHE_DIR_NAME, Settings(), version="9.9")
    assert again.lookup("clean.py", content_digest(b"x = 1\n")) == ([], [])


def test_changed_content_or_other_path_misses(tmp_path: Path) -> None:
    saved(tmp_path)
    cache = ResultCache.load(tmp_path / CACHE_DIR_NAME, Settings(), version="9.9")
    assert cache.lookup("pkg/mod.py", content_digest(SOURCE + b"q.task_done()\n")) is None
    assert cache.lookup("pkg/other.py", content_digest(SOURCE)) is None


def test_other_settings_or_version_miss(tmp_path: Path) -> None:
    saved(tmp_path)
    digest = content_digest(SOURCE)
    other = Settings(ignore=("QL101",))
    assert settings_key(other) != settings_key(Settings())
    assert ResultCache.load(tmp_path / CACHE_DIR_NAME, other, version="9.9").lookup("pkg/mod.py", digest) is None
    assert ResultCache.load(tmp_path / CACHE_DIR_NAME, Settings(), version="10.0").lookup("pkg/mod.py", digest) is None


def test_file_of_another_version_is_ignored(tmp_path: Path) -> None:
    file = saved(tmp_path)
    data = json.loads(file.read_text())
    data["version"] = "0.0.1"
    file.write_text(json.dumps(data))
    assert ResultCache.load(tmp_path / CACHE_DIR_NAME, Settings(), version="9.9").lookup("pkg/mod.py", content_digest(SOURCE)) is None


@pytest.mark.parametrize(
    "corrupt",
    [b"{not json", b"\xff\xfe\x00", b"[]", b'{"format": 1}', b"[" * 100_000, b"", b"null"],
    ids=["truncated", "binary", "list", "no-files", "deep", "empty", "null"],
)
def test_corrupt_cache_is_ignored_and_rebuilt(tmp_path: Path, corrupt: bytes) -> None:
    file = saved(tmp_path)
    file.write_bytes(corrupt)
    cache = ResultCache.load(tmp_path / CACHE_DIR_NAME, Settings(), version="9.9")
    assert cache.lookup("pkg/mod.py", content_digest(SOURCE)) is None
    cache.store("pkg/mod.py", content_digest(SOURCE), [FINDING], [])
    cache.save()
    again = ResultCache.load(tmp_path / CACHE_DIR_NAME, Settings(), version="9.9")
    assert again.lookup("pkg/mod.py", content_digest(SOURCE)) == ([FINDING], [])


def test_entry_with_wrong_types_misses(tmp_path: Path) -> None:
    file = saved(tmp_path)
    data = json.loads(file.read_text())
    data["files"]["pkg/mod.py"]["diagnostics"][0][1] = "3"
    data["files"]["bad.py"] = ["not", "a", "dict"]
    file.write_text(json.dumps(data))
    cache = ResultCache.load(tmp_path / CACHE_DIR_NAME, Settings(), version="9.9")
    assert cache.lookup("pkg/mod.py", content_digest(SOURCE)) is None
    assert cache.lookup("bad.py", content_digest(SOURCE)) is None


def test_cache_folder_is_tagged_and_ignored_by_git(tmp_path: Path) -> None:
    saved(tmp_path)
    folder = tmp_path / CACHE_DIR_NAME
    assert (folder / "CACHEDIR.TAG").read_text().startswith("Signature: 8a477f597d28d172789f06886806bc55\n")
    assert "*" in (folder / ".gitignore").read_text().splitlines()


def test_cache_is_plain_json_without_pickle(tmp_path: Path) -> None:
    raw = saved(tmp_path).read_bytes()
    data = json.loads(raw)
    assert data["files"]["pkg/mod.py"]["digest"] == content_digest(SOURCE)
    assert not raw.startswith(b"\x80")  # a pickle protocol 2+ header
    assert b"pickle" not in raw and b"(lp" not in raw


def test_unwritable_cache_folder_does_not_raise(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        # root writes through permissions: make the cache folder's place a file instead.
        (tmp_path / CACHE_DIR_NAME).write_text("not a folder")
    else:
        tmp_path.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        cache = ResultCache.load(tmp_path / CACHE_DIR_NAME, Settings(), version="9.9")
        cache.store("pkg/mod.py", content_digest(SOURCE), [FINDING], ERRORS)
        cache.save()
        assert cache.lookup("pkg/mod.py", content_digest(SOURCE)) == ([FINDING], ERRORS)
    finally:
        tmp_path.chmod(stat.S_IRWXU)
    assert cache_files(tmp_path) == []


def test_nothing_written_when_nothing_changed(tmp_path: Path) -> None:
    file = saved(tmp_path)
    before = file.stat().st_mtime_ns
    cache = ResultCache.load(tmp_path / CACHE_DIR_NAME, Settings(), version="9.9")
    assert cache.lookup("pkg/mod.py", content_digest(SOURCE)) is not None
    cache.save()
    assert file.stat().st_mtime_ns == before
    assert [p.name for p in file.parent.iterdir()] == [file.name]


def test_entries_unseen_for_long_are_pruned_others_kept(tmp_path: Path) -> None:
    file = saved(tmp_path)
    data = json.loads(file.read_text())
    data["files"]["gone.py"] = dict(data["files"]["pkg/mod.py"], seen=0)
    data["files"]["untouched.py"] = dict(data["files"]["pkg/mod.py"])
    file.write_text(json.dumps(data))
    cache = ResultCache.load(tmp_path / CACHE_DIR_NAME, Settings(), version="9.9")
    cache.store("new.py", content_digest(b""), [], [])
    cache.save()
    assert set(json.loads(file.read_text())["files"]) == {"pkg/mod.py", "untouched.py", "new.py"}


def test_undecodable_text_in_a_message_survives(tmp_path: Path) -> None:
    odd = Diagnostic("odd.py", 1, 1, "QL101", "name \udcff and é")
    cache = ResultCache.load(tmp_path / CACHE_DIR_NAME, Settings(), version="9.9")
    cache.store("odd.py", "d", [odd], [])
    cache.save()
    assert ResultCache.load(tmp_path / CACHE_DIR_NAME, Settings(), version="9.9").lookup("odd.py", "d") == ([odd], [])


_KEY = (
    "import sys, qlint.cache as cache, qlint.settings as settings; "
    "assert cache.__file__.startswith(sys.argv[1]), cache.__file__; "
    "print(cache.settings_key(settings.Settings()))"
)


def test_editing_qlint_itself_changes_the_key(tmp_path: Path) -> None:
    """A rule changed under the same version number must not be served old results: in a
    copy of the package, the key stays while nothing changes, and moves when a file does."""
    copy = tmp_path / "site"
    shutil.copytree(Path(qlint.__file__).parent, copy / "qlint", ignore=shutil.ignore_patterns("__pycache__"))

    def key() -> str:
        env = {**os.environ, "PYTHONPATH": str(copy), "PYTHONDONTWRITEBYTECODE": "1"}
        command = [sys.executable, "-c", _KEY, str(copy)]
        done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()

    before = key()
    assert key() == before
    rule = copy / "qlint" / "rules" / "ql104_task_done_not_in_finally.py"
    rule.write_text(rule.read_text("utf-8") + "\n# another commit\n", "utf-8")
    assert key() != before
