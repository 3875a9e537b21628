"""A run looks a file up in the index's stores more than once (is it stale? its summary?
its exports?): the stamp is taken once per store, or given by what a worker read."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from qlint.project import stored
from qlint.project.context import SummaryStore
from qlint.project.exports import ExportsStore


def test_one_stat_per_file_for_the_stale_check_the_summary_and_the_exports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "workers.py"
    path.write_text("def drain(client):\n    client.inbox.join()\n")
    stats: list[str] = []
    real = stored.stamp_of

    def counting(name: str) -> object:
        stats.append(name)
        return real(name)

    monkeypatch.setattr(stored, "stamp_of", counting)
    summaries, exports = SummaryStore(None), ExportsStore(None)
    assert summaries.stale([str(path)], exports) == [str(path)]
    assert summaries.read(str(path), True) is not None
    exports.read(str(path))
    assert stats == [str(path)]


def test_what_a_worker_read_is_known_by_the_stamp_it_took(tmp_path: Path) -> None:
    """The first pass keeps a reading under the stamp taken before reading the file; the
    index then finds it fresh, though the stale check saw the file before it changed."""
    path = tmp_path / "workers.py"
    path.write_text("x = 1\n")
    summaries = SummaryStore(None)
    before = summaries.stamp(str(path))
    path.write_text("def drain(client):\n    client.inbox.join()\n")
    os.utime(path, ns=(1, 1))
    assert summaries.stamp(str(path)) == before  # taken once
    after = stored.stamp_of(str(path))
    assert after is not None and after != before
    summaries.keep(str(path), after, None)
    assert summaries.stamp(str(path)) == after and summaries.read(str(path), True) is None  # the kept reading
