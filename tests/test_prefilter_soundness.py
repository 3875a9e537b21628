"""The prefilter (a rule's sharper gate on CPython's tree) is sound on real code: linting
this Python's standard library and site-packages with it and without it gives the same
findings and errors, with the default settings and with settings that call anything a
queue (where the prefilter has the least to skip)."""

from __future__ import annotations

import sysconfig

import pytest

from qlint import engine
from qlint.files import DiscoveryOptions, discover
from qlint.runner import run
from qlint.settings import Settings

WIDE = Settings(queue_name_regex=".*", extra_queue_classes=("gevent.queue.JoinableQueue", "mylib.WorkQueue"))


@pytest.mark.slow
@pytest.mark.parametrize("settings", [Settings(), WIDE], ids=["default", "wide"])
def test_corpus_output_is_the_same_without_the_prefilter(settings: Settings, monkeypatch) -> None:
    files = list(discover([sysconfig.get_paths()["stdlib"]], DiscoveryOptions()))
    prefiltered = run(files, settings, jobs=2)
    # The pool forks, so the workers see the patched engine too.
    monkeypatch.setattr(engine, "possible_rules", lambda tree, codes, settings: set(codes))
    everything = run(files, settings, jobs=2)
    assert prefiltered.diagnostics == everything.diagnostics
    assert prefiltered.errors == everything.errors
    assert any(d.code != "QL000" for d in everything.diagnostics), "the corpus must give real findings"
