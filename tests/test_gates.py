"""Text gates are sound: linting with them and without them gives the same findings, on
every fixture, on programs written to slip past a gate (comments and line breaks inside a
call, a colon in a comment of a `with` header), and on the standard library."""

from __future__ import annotations

import os
import re
import sysconfig
from pathlib import Path

import pytest

import qlint.engine as engine
from qlint.engine import DEFAULT_SETTINGS, check_source
from qlint.rules import RULES, SYNTAX_ERROR
from qlint.rules.base import Rule, with_get_gate
from qlint.settings import Settings
from tests.fixture_expectations import fixture_files

UNGATED = tuple(Rule(r.code, r.name, r.message, r.doc, r.check, lambda text: True, r.fixable) for r in RULES)

# Each program has a finding that the gates of commit 6a984d0 hid (the rules find it
# when run without gates); `OLD_GATES` below keeps the regular expressions that missed it.
PROGRAMS = {
    "ql101_comment": """\
import queue
import threading

q = queue.Queue()


def worker():
    while True:
        item = q.get()
        print(item)


threading.Thread(target=worker, daemon=True).start()
q.put(1)
q.join(  # wait for all
)
""",
    "ql101_join_arg": """\
import queue
import threading

q = queue.Queue()


def worker():
    while True:
        item = q.get()
        print(item)


threading.Thread(target=worker, daemon=True).start()
q.put(1)
q.join(5)
""",
    "ql201_continuation": """\
import queue

q = queue.Queue()
q.put(1)
(q.  # the queue
 join(timeout=5))
""",
    "ql203_comment": """\
import queue
import threading

q = queue.Queue()


def consume():
    while True:
        item = q.get()
        print(item)
        q.task_done()


t = threading.Thread(target=consume)
t.start()
t.join(  # until it ends
)
""",
    "ql204_comment": """\
import queue
import threading

q = queue.Queue()


def produce():
    for n in range(3):
        q.put(n)


def consume():
    while True:
        item = q.get()
        try:
            print(item)
        finally:
            q.task_done()


threading.Thread(target=consume, daemon=True).start()
threading.Thread(target=produce).start()
q.join(  # all done?
)
""",
    "ql301_comment": """\
import queue

q = queue.Queue()


def drain():
    while True:
        try:
            item = q.get(  # blocks
            )
        except queue.Empty:
            break
        print(item)
""",
    "ql302_colon": """\
import queue

q = queue.Queue()


def worker():
    while True:
        with (  # note: the item is the context
            q.get()
        ) as item:
            print(item)
        q.task_done()
""",
    # No `queue` in the text: a queue-only method is the only evidence (qlint/evidence.py).
    "ql101_qsize_only": """\
import threading


def drain(jobs):
    while True:
        item = jobs.get()
        print(item, jobs.qsize())


def run(jobs):
    threading.Thread(target=drain, args=(jobs,), daemon=True).start()
    jobs.put(1)
    jobs.join()
""",
    # ... or a name that the default queue-name-regex matches (`.*_q`).
    "ql101_name_only": """\
import threading


def drain(in_q):
    while True:
        item = in_q.get()
        print(item)


def run(in_q):
    threading.Thread(target=drain, args=(in_q,), daemon=True).start()
    in_q.put(1)
    in_q.join()
""",
    # The `with` header holds a bracket and a colon inside a string before the get.
    "ql302_string_colon": """\
import queue

q = queue.Queue()


def worker(path):
    while True:
        with open(path + " (copy):log", "a") as log, q.get() as item:
            log.write(item)
        q.task_done()
""",
}

# The gates as they were, to show that each program above defeated one of them.
_OLD_EMPTY_JOIN = re.compile(r"\.\s*join\s*\(\s*\)")
_OLD_UNTIMED_JOIN = re.compile(r"\.\s*join\s*\(\s*(?:(?:timeout\s*=\s*)?None\s*)?\)")
OLD_GATES = {
    "ql101_comment": lambda t: "task_done" in t or "JoinableQueue" in t or bool(_OLD_EMPTY_JOIN.search(t)),
    "ql101_join_arg": lambda t: "task_done" in t or "JoinableQueue" in t or bool(_OLD_EMPTY_JOIN.search(t)),
    "ql201_continuation": lambda t: bool(re.search(r"\.\s*join\s*\(\s*[^)\s]", t)),
    "ql203_comment": lambda t: bool(_OLD_UNTIMED_JOIN.search(t)),
    "ql204_comment": lambda t: bool(_OLD_EMPTY_JOIN.search(t)),
    "ql301_comment": lambda t: bool(re.search(r"\.\s*get\s*\(\s*(?:\)|True|block\s*=\s*True|timeout\s*=\s*None)", t)),
    "ql302_colon": lambda t: bool(re.search(r"^[ \t]*(?:async[ \t]+)?with\b[^:]*\.\s*get\s*\(", t, re.MULTILINE)),
    # A text gate that looked for a queue class or the word `queue` only.
    "ql101_qsize_only": lambda t: "Queue" in t or "queue" in t,
    "ql101_name_only": lambda t: "Queue" in t or "queue" in t,
    "ql302_string_colon": lambda t: bool(re.search(r"^[ \t]*(?:async[ \t]+)?with\b[^:]*\.\s*get\s*\(", t, re.MULTILINE)),
}



def _found(
    source: str | bytes,
    ungated: bool,
    monkeypatch: pytest.MonkeyPatch,
    path: str = "case.py",
    settings: Settings = DEFAULT_SETTINGS,
) -> list[tuple[int, int, str]]:
    """The findings; QL000 left out: a syntax error is reported only for a file some rule
    reads, so a file no gate passes is never parsed (and that is the point of gates)."""
    with monkeypatch.context() as patch:
        if ungated:
            patch.setattr(engine, "RULES", UNGATED)
            patch.setattr(engine, "may_hold_a_queue", lambda text, settings: True)
        return [(d.line, d.col, d.code) for d in check_source(source, path, settings).diagnostics if d.code != SYNTAX_ERROR]


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_programs_that_defeated_a_gate(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    source = PROGRAMS[name]
    code = name[:5].upper()
    assert not OLD_GATES[name](source), "the program no longer defeats the old gate"
    ungated = _found(source, True, monkeypatch)
    assert code in {found for _, _, found in ungated}
    assert _found(source, False, monkeypatch) == ungated


# `with` headers and whether QL302's gate must pass: cases a scan of the header to its
# colon could get wrong (strings, comments, brackets, continuations, lambda's colon).
WITH_HEADERS = {
    "with q.get() as item:\n": True,
    "with (  # note: the item\n    q.get()\n) as item:\n": True,
    "with open(name + ')):') as f, q.get() as item:\n": True,
    "with open('a#:') as f, q.get() as item:\n": True,
    "with f('''x:\n''', q.get()):\n": True,
    "with lambda: 0, q.get() as item:\n": True,
    "with patch(f, make(lambda: 0)):\n    q.get()\n": False,
    "with open('''a\\'''):''') as f, q.get():\n": True,
    "def f():\n    '''Made\n    with care: it uses q.get().'''\n": False,  # no with statement
    "with a, \\\n        q.get() as item:\n": True,
    "async \\\nwith q.get():\n": True,
    "with x[1:2], q.get():\n": True,
    "x = 1\rwith q.get():\r    pass\r": True,
    "with open('a:b') as f:\n    q.get()\n": False,
    "item = q.get()\nwith lock:\n    pass\n": False,
    "without = q.get()\n": False,
    "x.with_(q.get())\n": False,
}


@pytest.mark.parametrize("text", sorted(WITH_HEADERS))
def test_with_header_scan(text: str) -> None:
    assert with_get_gate(text) is WITH_HEADERS[text]


def test_a_name_only_the_users_regex_matches(monkeypatch: pytest.MonkeyPatch) -> None:
    """With `queue-name-regex = "jobs"`, a file whose only evidence is the name `jobs`."""
    source = PROGRAMS["ql101_name_only"].replace("in_q", "jobs")
    settings = Settings(queue_name_regex="jobs")
    assert "QL101" not in {code for _, _, code in _found(source, False, monkeypatch)}
    found = _found(source, False, monkeypatch, settings=settings)
    assert "QL101" in {code for _, _, code in found}
    assert found == _found(source, True, monkeypatch, settings=settings)


@pytest.mark.parametrize("path", fixture_files(), ids=[p.name for p in fixture_files()])
def test_fixtures_gated_and_ungated(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = path.read_bytes()
    assert _found(source, False, monkeypatch, str(path)) == _found(source, True, monkeypatch, str(path))


@pytest.mark.slow
def test_standard_library_gated_and_ungated(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every file: ungated, all of them reach CPython's parser and the prefilter."""
    checked = 0
    for folder, dirs, names in os.walk(sysconfig.get_paths()["stdlib"]):
        dirs[:] = sorted(d for d in dirs if d != "site-packages")
        for name in sorted(n for n in names if n.endswith(".py")):
            path = os.path.join(folder, name)
            source = Path(path).read_bytes()
            assert _found(source, False, monkeypatch, path) == _found(source, True, monkeypatch, path), path
            checked += 1
    assert checked > 1000
