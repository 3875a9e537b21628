"""The collector is paused for one file's lint, and left as it was found."""

from __future__ import annotations

import gc

import pytest

from qlint.collector import collector_paused
from qlint.engine import check_source

SOURCE = "def worker(q):\n    while True:\n        item = q.get()\n        work(item)\n        q.task_done()\n"


@pytest.fixture
def collector_state():
    was = gc.isenabled()
    yield
    (gc.enable if was else gc.disable)()


def test_paused_in_the_block_and_on_again_after(collector_state: None) -> None:
    gc.enable()
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(ValueError), collector_paused():
        raise ValueError
    assert gc.isenabled()


def test_left_off_when_the_caller_turned_it_off(collector_state: None) -> None:
    gc.disable()
    with collector_paused():
        assert not gc.isenabled()
    assert not gc.isenabled()


def test_a_lint_leaves_it_as_it_was(collector_state: None) -> None:
    gc.enable()
    assert [d.code for d in check_source(SOURCE, "w.py").diagnostics] == ["QL104"]
    assert gc.isenabled()
    gc.disable()
    check_source(SOURCE, "w.py")
    assert not gc.isenabled()
