"""The prefilter (a rule's sharper gate on CPython's tree) is sound on real code: linting
the corpus (this Python's standard library without site-packages, and the fixtures) with
it and without it gives the same findings and errors, with the default settings and with
settings that call anything a queue (where the prefilter has the least to skip).

The run without the prefilter is made in this process (`jobs=1`, and a pool is refused),
so turning the prefilter off here holds whatever start method a process pool would use
(fork, spawn or forkserver: under the last two, workers would import an unpatched engine).
"""

from __future__ import annotations

import concurrent.futures

import pytest

from qlint import engine
from qlint.runner import run
from qlint.settings import Settings

WIDE = Settings(queue_name_regex=".*", extra_queue_classes=("gevent.queue.JoinableQueue", "mylib.WorkQueue"))


def _no_pool(*args, **kwargs):
    raise AssertionError("the run without the prefilter must stay in this process")


@pytest.mark.slow
@pytest.mark.corpus
@pytest.mark.parametrize("settings", [Settings(), WIDE], ids=["default", "wide"])
def test_corpus_output_is_the_same_without_the_prefilter(settings: Settings, corpus_files, corpus_run, monkeypatch) -> None:
    prefiltered = corpus_run if settings == Settings() else run(corpus_files, settings, jobs=2)
    asked: list[int] = []

    def every_rule_is_possible(tree, codes, settings):
        asked.append(1)
        return set(codes)

    monkeypatch.setattr(engine, "possible_rules", every_rule_is_possible)
    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", _no_pool)
    everything = run(corpus_files, settings, jobs=1)
    assert len(asked) > 100, "the run without the prefilter must reach the prefilter's place in the engine"
    assert prefiltered.diagnostics == everything.diagnostics
    assert [d.fix for d in prefiltered.diagnostics] == [d.fix for d in everything.diagnostics]
    assert prefiltered.errors == everything.errors
    assert any(d.code != "QL000" for d in everything.diagnostics), "the corpus must give real findings"
