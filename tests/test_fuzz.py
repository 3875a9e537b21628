"""Fuzzing: generated programs never make qlint raise, and its findings are stable.

Two sources of programs. hypothesmith generates arbitrary valid Python (it rarely
mentions a queue, so every rule is run without its text gate). A strategy of our own
composes consumer loops from the queue protocol's vocabulary, nested at random, so
the path walker sees shapes nobody wrote a fixture for.

CI runs a few hundred programs; `QLINT_FUZZ_EXAMPLES=20000 python -m pytest
tests/test_fuzz.py` is the long run.
"""

from __future__ import annotations

import ast
import os
import textwrap

import hypothesmith
import libcst as cst
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qlint.analysis.facts import module_facts
from qlint.engine import check_source
from qlint.positions import spans
from qlint.rules import RULES
from qlint.rules.base import as_finding
from qlint.settings import Settings

EXAMPLES = int(os.environ.get("QLINT_FUZZ_EXAMPLES", "150"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)


def _every_rule_ungated(source: str) -> list[tuple[int, int, str]]:
    """What every rule finds, text gates bypassed; raises if any part of qlint does."""
    try:
        module = cst.parse_module(source)
    except Exception:
        return []  # not ours to parse: check_source turns this into QL000
    facts = module_facts(module, Settings())
    found = [(as_finding(item), rule.code) for rule in RULES for item in rule.check(facts)]
    where = spans(module, ast.parse(source), [f.node for f, _ in found], facts.record.top_of)
    # Two nested loops of one queue may both find a node: the engine reports it once.
    return sorted({(where[id(f.node)].line, where[id(f.node)].col, code) for f, code in found})


@pytest.mark.slow
@FUZZ
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
