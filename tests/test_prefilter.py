"""The prefilter is sound: every code the analysis reports for a file, it called possible.

Soundness is checked against the rules run without their text gates (a stronger claim
than against the engine, whose gates hide findings), with the default settings and with
settings that widen what counts as a queue.
"""

from __future__ import annotations

import ast
import builtins
import dis
import importlib
import io
import keyword
import re
import tokenize
import types
import warnings
from pathlib import Path

import hypothesmith
import libcst as cst
import pytest
from hypothesis import given
from hypothesis import strategies as st

from qlint import prefilter
from qlint.analysis.facts import module_facts
from qlint.engine import rules_for
from qlint.prefilter import possible_rules
from qlint.rules import RULES
from qlint.screen import decode
from qlint.settings import Settings
from tests.fixture_expectations import expectations, fixture_files
from tests.test_fuzz import FUZZ, GRAMMAR_FUZZ, _blocks, _program

CODES = [rule.code for rule in RULES]
DEFAULT = Settings()
WIDE = Settings(
    queue_name_regex=".*",
    extra_queue_classes=("gevent.queue.JoinableQueue", "mylib.WorkQueue", "make_queue", "Pool"),
)
FILES = fixture_files()


def _tree(text: str) -> ast.Module:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ast.parse(text)


def _ungated_codes(module: cst.Module, chosen: Settings) -> set[str]:
    """Every code the analysis reports, no text gate asked."""
    facts = module_facts(module, chosen)
    return {rule.code for rule in RULES for _ in rule.check(facts)}


def _assert_sound(text: str, chosen: Settings, name: str) -> set[str]:
    possible = possible_rules(_tree(text), CODES, chosen)
    found = _ungated_codes(cst.parse_module(text), chosen)
    assert found <= possible, f"{name}: {sorted(found - possible)} reported but judged impossible"
    return possible


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
@pytest.mark.parametrize("chosen", [DEFAULT, WIDE], ids=["default", "wide"])
def test_fixture_findings_were_possible(path: Path, chosen: Settings) -> None:
    text = path.read_text("utf-8")
    possible = _assert_sound(text, chosen, path.name)
    assert {e.code for e in expectations(text)} <= possible


def test_fixtures_exercise_every_rule() -> None:
    expected = {e.code for path in FILES for e in expectations(path.read_text("utf-8"))}
    assert expected == set(CODES)


def test_vocabulary_mirrors_the_analysis() -> None:
    """The prefilter spells the analysis' class and method names itself (it must not import
    LibCST): a name added there and not here would make it unsound."""
    from qlint import registry
    from qlint.analysis import queues, threads
    from qlint.rules import ql305_no_such_exception as ql305

    def last(dotted: str) -> str:
        return dotted.rsplit(".", 1)[-1]

    words = prefilter._vocabulary((), ())
    assert words.classes == {last(d.replace("()", "")) for d in registry.BUILTIN}
    for dotted, row in registry.BUILTIN.items():  # QL202 asks for a class without join, with its module
        assert row.joinable or (dotted.split(".")[0], last(dotted)) in words.not_joinable
        assert not row.awaited or (dotted.split(".")[0] in words.awaited_roots and last(dotted) in words.awaited)
        assert {last(e) for e in row.empty} <= words.empty
        assert {last(e) for e in row.empty + row.full} <= words.exceptions
    assert words.empty == {last(d) for d in queues.EMPTY_EXCEPTIONS}
    assert words.exceptions >= set(ql305._MEANS)  # QL305 also asks for a class name
    assert words.thread_makers == {last(d) for d in threads.THREAD_CLASSES}
    assert words.worker_makers >= words.thread_makers | {last(d) for d in threads.TASK_FACTORIES}


def test_the_prefilter_runs_each_rule_modules_own_predicate() -> None:
    """`possible` is compiled from each rule module's source (so LibCST is not loaded):
    the same instructions, names and constants as the module's function, for every rule."""
    compiled = prefilter._predicates()
    for rule in RULES:
        module = importlib.import_module(rule.check.__module__)
        own = getattr(module, "possible", None)
        if own is None:
            assert rule.code not in compiled
            continue
        mine, theirs = compiled[rule.code].__code__, own.__code__
        assert (mine.co_code, mine.co_names, mine.co_consts) == (theirs.co_code, theirs.co_names, theirs.co_consts), rule.code
        assert _globals_read(theirs) <= set(dir(builtins)), f"{rule.code}: `possible` may read only its argument and builtins"


@pytest.mark.parametrize(
    "source",
    [
        "x = 1\n\n\ndef possible(e):\n    return (\n        True\n)\n\n\ny = 2\n",
        'x = 1\n\n\ndef possible(e):\n    return e in """\nTrue"""\n',  # a line in column 0 inside it
        "x = 1\n\n\ndef possible(e):\n    return True\ndef possible(e):\n    return False\n",
    ],
    ids=["bracket in column 0", "string in column 0", "defined twice"],
)
def test_the_predicate_is_found_alone_at_its_own_lines(source: str) -> None:
    definition = prefilter._definition(source, "rule.py")
    assert definition is not None
    namespace: dict[str, object] = {}
    exec(compile(definition, "rule.py", "exec"), namespace)
    expected: dict[str, object] = {}
    exec(source, expected)
    assert namespace["possible"].__code__.co_firstlineno == expected["possible"].__code__.co_firstlineno  # type: ignore[attr-defined]
    assert namespace["possible"]("True") == expected["possible"]("True")  # type: ignore[operator]
    assert set(namespace) == {"possible", "__builtins__"}
    assert prefilter._definition("x = 1\n", "rule.py") is None


def _globals_read(code: types.CodeType) -> set[str]:
    """The global names a function (and the comprehensions in it) reads."""
    found = {i.argval for i in dis.get_instructions(code) if i.opname in ("LOAD_GLOBAL", "LOAD_NAME")}
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            found |= _globals_read(const)
    return found


def test_asks_only_about_the_codes_given() -> None:
    text = (FILES[0].parent / "ql104_reraise_alias.py").read_text("utf-8")
    assert possible_rules(_tree(text), ["QL104", "QL201"], DEFAULT) == {"QL104"}
    assert possible_rules(_tree(text), [], DEFAULT) == set()


NOT_QUEUES = {
    "dict.get in a loop, str.join, a thread joined": """
import threading
def f(table, keys):
    for key in keys:
        value = table.get(key)
        print(", ".join([key, value]))
    t = threading.Thread(target=f)
    t.start()
    t.join()
""",
    "a queue-looking name never gets in a loop": """
import queue
q = queue.Queue()
q.put(1)
q.join()
""",
    "a get in a loop on an object with no queue evidence": """
def drain(source, sink):
    while True:
        item = source.get()
        sink.task_done()
        source.join()
""",
}


@pytest.mark.parametrize("text", NOT_QUEUES.values(), ids=NOT_QUEUES.keys())
def test_files_without_a_queue_need_no_analysis(text: str) -> None:
    assert possible_rules(_tree(text), CODES, DEFAULT) == set()


def test_a_queue_reached_through_a_helper_keeps_its_rules() -> None:
    text = """
import queue, threading
def worker(jobs):
    while True:
        item = jobs.get()
        handle(item)
        jobs.task_done()
work = queue.Queue()
threading.Thread(target=worker, args=(work,), daemon=True).start()
work.join()
"""
    assert "QL104" in _assert_sound(text, DEFAULT, "helper")


def test_wider_settings_widen_what_is_possible() -> None:
    text = """
def worker(jobs):
    while True:
        handle(jobs.get())
    jobs.join()
"""
    assert possible_rules(_tree(text), CODES, DEFAULT) == set()
    assert "QL101" in possible_rules(_tree(text), CODES, Settings(queue_name_regex="jobs"))
    built = "import mylib\njobs = mylib.WorkQueue()\nworker(jobs)\n" + text
    assert "QL101" in possible_rules(_tree(built), CODES, Settings(extra_queue_classes=("mylib.WorkQueue",)))
    assert "QL101" not in possible_rules(_tree(built), CODES, DEFAULT)


def test_names_as_libcst_spells_them() -> None:
    """CPython normalises `queue\u0301` to `queué`, which the regex no longer matches; LibCST
    keeps what the source says, which it does."""
    text = "def f(queue\u0301):\n    while True:\n        queue\u0301.get()\n    queue\u0301.join()\n"
    assert "QL101" in _assert_sound(text, DEFAULT, "combining mark")
    text = "import mylib\ndef f(x):\n    while True:\n        x.get()\n    x.join()\nf(mylib.\uff31())\n"
    assert "QL101" in _assert_sound(text, Settings(extra_queue_classes=("mylib.\uff31",)), "fullwidth class")




@pytest.mark.slow
@FUZZ
@given(_blocks(3), st.sampled_from(["while True:", "for item in iter(q.get, None):", "while not stop:"]))
def test_composed_consumer_loops(body: list[str], loop: str) -> None:
    _assert_sound(_program(body, loop), DEFAULT, "composed")


@pytest.mark.slow
@GRAMMAR_FUZZ
@given(hypothesmith.from_node())
def test_arbitrary_python(source: str) -> None:
    """Any syntax at all (match, walrus, decorators, star-args): no crash, and sound."""
    try:
        _tree(source)
        cst.parse_module(source)
    except Exception:
        return
    for chosen in (DEFAULT, WIDE):
        _assert_sound(source, chosen, "arbitrary")


_NAMES = ["q", "jobs", "work", "self.q", "self.jobs", "table", "t"]
_FILL = {
    "n": _NAMES,
    "m": _NAMES,
    "v": ["queue.Queue()", "qm.LifoQueue()", "JQ()", "asyncio.Queue()", "multiprocessing.JoinableQueue()",
          "mp.Queue()", "SimpleQueue()", "ctx.JoinableQueue()", "MyQueue()", "make_queue()", "mylib.WorkQueue()",
          "{}", "dict()", "other()", "None", "await factory()"],
    "a": ["queue.Queue", "'asyncio.Queue[int]'", "int", "JQ", "mylib.WorkQueue", "mp.SimpleQueue"],
    "f": ["worker", "helper", "self.consume", "Consumer", "lambda: q.put(1)"],
    "e": ["queue.Empty", "E", "asyncio.QueueEmpty", "Exception", "qm.Full", "(queue.Empty, KeyError)", "KeyError"],
}
_SIMPLE = [
    "{n} = {v}", "{n}: {a} = {v}", "{n} = {m}", "item = {n}.get()", "item = {n}.get(timeout=1)",
    "item = {n}.get_nowait()", "{n}.get(True)", "{n}.get('k')", "{n}.task_done()", "{n}.join()", "{n}.join(5)",
    "{n}.put(item)", "{n}.put_nowait(item)", "{n}.qsize()", "item = await {n}.get()", "{n}.put(1, False)",
    "{f}({n})", "{f}(jobs={n})", "t = threading.Thread(target={f}, args=({n},))", "t.start()", "t.join()",
    "threading.Thread(target={f}, kwargs={{'q': {n}}}).start()", "t.join(timeout=1)", "pool.submit({f}, {n})",
    "asyncio.create_task({f}({n}))", "partial({f}, {n})()", "process(item)", "continue", "break", "return item",
    "raise ValueError(item)", "callbacks.append({n}.task_done)",
]
_COMPOUND = ["while True:", "while running:", "for item in iter({n}.get, None):", "for x in batch:",
             "with {n}.get() as item:", "if item:", "try:|except {e}:", "try:|finally:"]
_MODULE = """\
import asyncio, queue, threading, multiprocessing, mylib
import queue as qm
import multiprocessing as mp
from queue import Queue as JQ, Empty as E, SimpleQueue
from functools import partial
ctx = mp.get_context()

class MyQueue(queue.Queue):
    pass

async def worker(q, jobs):
{0}

def helper(work):
{1}

class Consumer:
    def __init__(self, q):
        self.q = q
{2}

    def consume(self, jobs):
{3}

{4}
"""


@st.composite
def _block(draw: st.DrawFn, depth: int, indent: str) -> str:
    """Statements drawn from the queue protocol's vocabulary, nested at random."""
    lines = []
    for _ in range(draw(st.integers(1, 4))):
        fill = {key: draw(st.sampled_from(choices)) for key, choices in _FILL.items()}
        if depth and draw(st.booleans()):
            for header in draw(st.sampled_from(_COMPOUND)).split("|"):
                lines.append(indent + header.format(**fill))
                lines.append(draw(_block(depth - 1, indent + "    ")))
        else:
            lines.append(indent + draw(st.sampled_from(_SIMPLE)).format(**fill))
    return "\n".join(lines)


@pytest.mark.slow
@FUZZ
@given(st.tuples(*(_block(3, "    " * n) for n in (1, 1, 2, 2, 0))))
def test_composed_modules(blocks: tuple[str, ...]) -> None:
    """Queues built, annotated, aliased, passed to helpers, methods and threads, then used."""
    source = _MODULE.format(*blocks)
    for chosen in (DEFAULT, WIDE):
        _assert_sound(source, chosen, "module")


_RENAMES = ["q", "jobs", "work_q", "item", "Queue", "JoinableQueue", "SimpleQueue", "Empty", "QueueEmpty", "Full",
            "get", "get_nowait", "put", "task_done", "join", "Thread", "Process", "asyncio", "queue",
            "multiprocessing", "self", "worker", "iter", "partial", "submit"]


@pytest.mark.slow
@FUZZ
@given(st.sampled_from(FILES), st.lists(st.tuples(st.integers(0, 10**6), st.sampled_from(_RENAMES)), max_size=4))
def test_fixtures_with_names_changed(path: Path, renames: list[tuple[int, str]]) -> None:
    """Programs next to the fixtures: a queue that loses its class, a method that becomes another."""
    source = path.read_text("utf-8")
    names = sorted({t.string for t in tokenize.generate_tokens(io.StringIO(source).readline)
                    if t.type == tokenize.NAME and not keyword.iskeyword(t.string)})
    for index, new in renames:
        source = re.sub(rf"\b{names[index % len(names)]}\b", new, source)
    try:
        _tree(source)
        cst.parse_module(source)
    except (SyntaxError, cst.ParserSyntaxError):
        return
    for chosen in (DEFAULT, WIDE):
        _assert_sound(source, chosen, path.name)


@pytest.mark.slow
@pytest.mark.corpus
def test_library_findings_were_possible(corpus_files) -> None:
    """The corpus (the standard library without site-packages, and the fixtures): the
    files that pass a gate (111 of 1,788 in 3.11's standard library).

    The engine reports a subset of what the ungated rules find (it runs fewer rules on
    the same facts), so checking the latter checks the engine too.
    """
    checked = 0
    for path in (found.path for found in corpus_files if not found.error):
        try:
            source = Path(path).read_bytes()
            text = decode(source)
            if not rules_for(text, DEFAULT, path):
                continue
            tree = _tree(text)
            module = cst.parse_module(source)
        except Exception:  # unreadable, undecodable, not Python 3, or not LibCST's Python
            continue
        checked += 1
        for chosen in (DEFAULT, WIDE):
            found = _ungated_codes(module, chosen)
            assert found <= possible_rules(tree, CODES, chosen), (path, chosen, found)
    assert checked > 100
