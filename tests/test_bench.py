"""bench/run.py measures what it says: the peak memory of a command's whole process tree,
and file counts from a real run of qlint."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from tests.test_cli import BUGGY

ROOT = Path(__file__).resolve().parent.parent


def _bench():
    spec = importlib.util.spec_from_file_location("bench_run", ROOT / "bench" / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# Two children at once, each holding 80 MiB for a second.
_TWO_CHILDREN = (
    "import subprocess, sys; "
    "hold = 'x = b\"x\" * (80 << 20); import time; time.sleep(1)'; "
    "children = [subprocess.Popen([sys.executable, '-c', hold]) for _ in range(2)]; "
    "[child.wait() for child in children]"
)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the bench reads /proc")
def test_peak_memory_adds_up_the_process_tree() -> None:
    _, peak = _bench().measure([sys.executable, "-c", _TWO_CHILDREN], 1)
    assert peak >= 160, f"{peak:.0f} MiB: two children of 80 MiB each were alive at once"


def test_file_counts_come_from_a_run_of_qlint(tmp_path: Path) -> None:
    (tmp_path / "plain.py").write_text("x = 1\n")  # no queue word: skipped on its text
    (tmp_path / "text_only.py").write_text("value = queue_table.get(1)\nthread.join()\n")  # no consumer loop
    (tmp_path / "bug.py").write_text(BUGGY)
    (tmp_path / "skipped").mkdir()
    (tmp_path / "skipped" / "bug.py").write_text(BUGGY)
    assert _bench().file_counts(str(tmp_path), ["skipped"]) == (3, 2, 1)
