"""Fuzzing: generated programs never make qlint raise, and its findings are stable.

Two sources of programs. hypothesmith generates arbitrary valid Python (it rarely
mentions a queue, so every rule is run without its text gate). A strategy of our own
composes consumer loops from the queue protocol's vocabulary, nested at random, so
the path walker sees shapes nobody wrote a fixture for.

The engine runs a rule only when the rule's text gate passes; the rules run without
gates must find exactly what the engine reports. Programs that pass every gate test the
engine; programs that fail one gate (composed ones and the fixtures, with the fewest
words respelled that make that gate fail) test the gate: an unsound gate hides a finding
there, and the comparison fails.

CI runs EXAMPLES (30) programs per test; `QLINT_FUZZ_EXAMPLES=20000 python -m pytest
tests/test_fuzz.py tests/test_prefilter.py` is the long run, by hand.
"""

from __future__ import annotations

import ast
import functools
import os
import textwrap
import warnings

import hypothesmith
import libcst as cst
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from qlint.analysis.facts import module_facts
from qlint.engine import check_source
from qlint.positions import spans
from qlint.rules import RULES
from qlint.rules.base import as_finding
from qlint.settings import Settings
from tests.fixture_expectations import fixture_files

# How many programs each fuzz test draws: EXAMPLES in CI (the README says so), more by hand.
EXAMPLES = 30
# Every health check on. No per-example deadline: a program takes up to a second to lint
# on a busy machine.
FUZZ = settings(max_examples=int(os.environ.get("QLINT_FUZZ_EXAMPLES", EXAMPLES)), deadline=None)
# hypothesmith draws programs from Python's grammar, then filters out those that do not
# compile: many are, by design (filter_too_much failed about half of the random runs of
# 100 examples). Every other health check stays on.
GRAMMAR_FUZZ = settings(FUZZ, suppress_health_check=[HealthCheck.filter_too_much])


def _every_rule_ungated(source: str) -> list[tuple[int, int, str]]:
    """What every rule finds, text gates bypassed; raises if any part of qlint does."""
    try:
        module = cst.parse_module(source)
    except Exception:
        return []  # not ours to parse: check_source turns this into QL000
    facts = module_facts(module, Settings())
    found = [(as_finding(item), rule.code) for rule in RULES for item in rule.check(facts)]
    with warnings.catch_warnings():  # CPython's warnings about generated code are not ours
        warnings.simplefilter("ignore")
        tree = ast.parse(source)
    where = spans(module, tree, [f.node for f, _ in found], facts.record.top_of)
    # Two nested loops of one queue may both find a node: the engine reports it once.
    return sorted({(where[id(f.node)].line, where[id(f.node)].col, code) for f, code in found})


@pytest.mark.slow
@GRAMMAR_FUZZ
@given(hypothesmith.from_node())
def test_arbitrary_python(source: str) -> None:
    first = _every_rule_ungated(source)
    assert first == _every_rule_ungated(source)
    report = check_source(source, "fuzz.py")
    assert not report.errors, report.errors


_SIMPLE = [
    "item = q.get()", "item = q.get(timeout=0.1)", "item = q.get_nowait()", "item = await aq.get()",
    "q.task_done()", "process(item)", "continue", "break", "return", "raise ValueError(item)",
    "q.join()", "q.put(item)", "log.info('x %s', item)", "done.append(item)", "helper(q)", "ack(q)",
]


def _blocks(depth: int) -> st.SearchStrategy[list[str]]:
    simple = st.sampled_from(_SIMPLE).map(lambda s: [s])
    if depth == 0:
        return st.lists(simple, min_size=1, max_size=4).map(lambda parts: sum(parts, []))
    inner = _blocks(depth - 1)

    def indent(lines: list[str]) -> list[str]:
        return ["    " + line for line in lines]

    compound = st.one_of(
        st.tuples(inner, inner).map(lambda b: ["if item:", *indent(b[0]), "else:", *indent(b[1])]),
        st.tuples(inner, inner, inner).map(
            lambda b: ["try:", *indent(b[0]), "except queue.Empty:", *indent(b[1]), "finally:", *indent(b[2])]
        ),
        st.tuples(inner, inner).map(lambda b: ["try:", *indent(b[0]), "except Exception:", *indent(b[1])]),
        inner.map(lambda b: ["with lock:", *indent(b)]),
        inner.map(lambda b: ["for x in batch:", *indent(b)]),
        st.tuples(inner, inner).map(
            lambda b: ["match item:", "    case None:", *indent(indent(b[0])), "    case _:", *indent(indent(b[1]))]
        ),
    )
    return st.lists(st.one_of(simple, compound), min_size=1, max_size=4).map(lambda parts: sum(parts, []))


def _program(body: list[str], loop: str) -> str:
    lines = "\n".join("        " + line for line in body)
    return textwrap.dedent(
        """\
        import asyncio, queue, threading

        def ack(q):
            q.task_done()

        async def worker(q, aq, lock, batch, done, log):
            {loop}
        {body}

        q = queue.Queue()
        threading.Thread(target=worker, args=(q, asyncio.Queue(), None, [], [], None)).start()
        q.join()
        """
    ).format(loop=loop, body=lines)


@pytest.mark.slow
@FUZZ
@given(_blocks(3), st.sampled_from(["while True:", "for item in iter(q.get, None):", "while not stop:"]))
def test_composed_consumer_loops(body: list[str], loop: str) -> None:
    source = _program(body, loop)
    first = check_source(source, "loop.py")
    assert not first.errors, first.errors
    assert first.diagnostics == check_source(source, "loop.py").diagnostics
    assert _every_rule_ungated(source) == sorted((d.line, d.col, d.code) for d in first.diagnostics)
    silenced = "\n".join(line + "  # noqa" if line.strip() else line for line in source.split("\n"))
    assert check_source(silenced, "loop.py").diagnostics == []


# The words the rules' text gates look for (`while` and `with` too, but those are
# keywords: the gates that need them need one of these words as well). Respelling every
# one of them fails every gate: `test_respelling_every_gate_word_fails_every_gate`.
GATE_WORDS = (
    "get", "put", "join", "task_done", "Queue", "multiprocessing", "asyncio", "Empty", "Full",
    "Thread", "Process", "create_task", "ensure_future", "submit",
)


def _respelled(source: str, words: list[str]) -> str:
    """`source` with every occurrence of each word (in names, strings, comments, inside
    longer words) respelled: still valid Python, and none of those words in the text."""
    for word in words:
        source = source.replace(word, word[0] + "X" + word[1:])
    return source


def _cut(source: str, rule, order: list[str]) -> tuple[str, ...]:
    """The fewest gate words (tried in `order`) whose respelling makes `rule`'s gate fail."""
    cut: list[str] = []
    for word in order:
        if not rule.gate(_respelled(source, cut)):
            break
        if word in source:
            cut.append(word)
    for word in list(reversed(cut)):  # keep only the words the gate really needed
        fewer = [w for w in cut if w != word]
        if not rule.gate(_respelled(source, fewer)):
            cut = fewer
    return tuple(cut)


def _cuts(source: str, rule, order: list[str]) -> list[tuple[str, ...]]:
    """Different ways to make `rule`'s gate fail: a cut starting from each word in the text
    (a gate that needs `get` and `task_done` fails without either)."""
    found = {_cut(source, rule, [first] + [w for w in order if w != first]) for first in order if first in source}
    return sorted(found) or [()]


_MORE_SIMPLE = _SIMPLE + [
    "q.join(1)", "q.join(timeout=None)", "aq.get()", "aq.put(item)", "aq.join()", "item = aq.get_nowait()",
    "t.join()", "producer.join()", "jq = multiprocessing.JoinableQueue()", "sq = queue.SimpleQueue()", "sq.join()",
    "asyncio.create_task(worker(q, aq, lock, batch, done, log))", "pool.submit(ack, q)",
]
_MORE_COMPOUND = [
    ("try:", "except asyncio.QueueEmpty:"), ("try:", "except queue.Full:"), ("try:", "except (queue.Empty, KeyError):"),
    ("with q.get() as job:",), ("async with lock:",),
]


def _more_blocks(depth: int) -> st.SearchStrategy[list[str]]:
    """Like `_blocks`, with the vocabulary of every rule, not only the consumer rules'."""
    simple = st.sampled_from(_MORE_SIMPLE).map(lambda s: [s])
    if depth == 0:
        return st.lists(simple, min_size=1, max_size=4).map(lambda parts: sum(parts, []))
    inner = _more_blocks(depth - 1)

    def nest(headers: tuple[str, ...]) -> st.SearchStrategy[list[str]]:
        return st.tuples(*(inner for _ in headers)).map(
            lambda bodies: [line for header, body in zip(headers, bodies) for line in [header, *("    " + b for b in body)]]
        )

    compound = st.one_of(_blocks(depth), *(nest(headers) for headers in _MORE_COMPOUND))
    return st.lists(st.one_of(simple, compound), min_size=1, max_size=4).map(lambda parts: sum(parts, []))


_TAIL = [
    "q = queue.Queue()", "q = queue.SimpleQueue()", "q = multiprocessing.JoinableQueue()", "q = asyncio.Queue()",
    "t = threading.Thread(target=worker, args=(q, asyncio.Queue(), None, [], [], None))", "t.start()", "t.join()",
    "t.join(timeout=1)", "producer = threading.Thread(target=produce, args=(q,))", "producer.start()",
    "producer.join()", "q.put(1)", "q.join()", "q.join(5)", "asyncio.run(worker(q, asyncio.Queue(), None, [], [], None))",
]
_HEAD = """\
import asyncio, multiprocessing, queue, threading

def ack(q):
    q.task_done()

def produce(q):
    for x in range(3):
        q.put(x)
"""


@st.composite
def _any_rule_programs(draw: st.DrawFn) -> str:
    """A worker with a loop of any rule's vocabulary, then module code that makes, starts,
    feeds and joins queues and threads."""
    loop = draw(st.sampled_from(["while True:", "for item in iter(q.get, None):", "while not stop:", "async for item in aq:"]))
    body = "\n".join("        " + line for line in draw(_more_blocks(3)))
    tail = "\n".join(draw(st.lists(st.sampled_from(_TAIL), min_size=1, max_size=6)))
    return f"{_HEAD}\nasync def worker(q, aq, lock, batch, done, log):\n    {loop}\n{body}\n\n{tail}\n"


FIXTURE_SOURCES = [path.read_text("utf-8") for path in fixture_files()]


@functools.cache
def _witness(rule) -> list[str]:
    """The fewest lines of a positive fixture of the rule on which its gate still passes
    (`noqa` respelled: the engine would read it, the rules run ungated would not)."""
    sources = [s for p, s in zip(fixture_files(), FIXTURE_SOURCES) if p.name.startswith(rule.code.lower())]
    passing = [s for s in sources if rule.gate(s)]
    assert passing == sources, f"a positive fixture of {rule.code} fails the rule's gate: the gate is unsound"
    text = passing[0].replace("noqa", "nXoqa").replace('"""', "'''").replace("\\", "/")
    lines = text.split("\n")
    for index in reversed(range(len(lines))):
        fewer = lines[:index] + lines[index + 1 :]
        if rule.gate("\n".join(fewer)):
            lines = fewer
    assert rule.gate("\n".join(lines)), rule.code
    return lines


def _with_other_gates_passing(source: str, rule) -> str:
    """`source` and, in a string at its end, text that passes each other rule's gate, where
    that text does not make `rule`'s gate pass again. A string changes no finding."""
    lines: list[str] = []
    for other in RULES:
        if other.gate is not rule.gate and not other.gate(source + "\n".join(lines)):
            if not rule.gate(source + "\n".join(lines + _witness(other))):
                lines += _witness(other)
    return source + ('\n_OTHER_GATES = r"""\n' + "\n".join(lines) + '\n"""\n' if lines else "")


# One rule per gate (QL101 to QL106 and QL205 share one): each gate is missed as often.
ONE_RULE_PER_GATE = list({id(rule.gate): rule for rule in RULES}.values())


@pytest.mark.slow
@FUZZ
@given(
    st.one_of(_any_rule_programs(), st.sampled_from(FIXTURE_SOURCES)),
    st.sampled_from(ONE_RULE_PER_GATE),
    st.permutations(GATE_WORDS),
)
def test_programs_that_miss_one_gate(source: str, rule, order: list[str]) -> None:
    """A rule whose gate fails must find nothing: in each way to make the gate fail, the
    engine (which skips the rule) and the rules run without gates report the same."""
    source = source.replace("noqa", "nXoqa")  # the rules run ungated do not read `# noqa`
    for cut in _cuts(source, rule, order):
        missing = _with_other_gates_passing(_respelled(source, list(cut)), rule)
        assert not rule.gate(missing)
        others = {other.code for other in RULES if other.gate is not rule.gate and not other.gate(missing)}
        event(f"gate of {rule.code} fails" + (f", and of {len(others)} others" if others else " alone"))
        report = check_source(missing, "missing.py")
        assert not report.errors, report.errors
        expected = _every_rule_ungated(missing)
        assert sorted({(d.line, d.col, d.code) for d in report.diagnostics}) == expected, f"respelled: {cut}"


def test_respelling_every_gate_word_fails_every_gate() -> None:
    """GATE_WORDS covers what every gate looks for: without them no gate passes."""
    for path, source in zip(fixture_files(), FIXTURE_SOURCES):
        respelled = _respelled(source, list(GATE_WORDS))
        assert [rule.code for rule in RULES if rule.gate(respelled)] == [], path.name
        assert not [word for word in GATE_WORDS if word in respelled], path.name
