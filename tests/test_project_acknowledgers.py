"""Which parameters a function acknowledges, on every path or on some
(qlint/project/acknowledgers.py): what a consumer loop in another module learns when it
calls the function as a helper, `finish(q)`."""

from __future__ import annotations

import ast
import textwrap

import pytest

from qlint.project.acknowledgers import acknowledged_parameters
from qlint.project.targets import target_gate, targets_of


def _acks(source: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    node = ast.parse(textwrap.dedent(source)).body[0]
    assert isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
    return acknowledged_parameters(node)


@pytest.mark.parametrize(
    "body",
    [
        "q.task_done()",
        "log(item)\n    q.task_done()",
        "if item:\n        q.task_done()\n    else:\n        q.task_done()",
        "try:\n        log(item)\n    finally:\n        q.task_done()",
        "try:\n        return log(item)\n    finally:\n        q.task_done()",
        "if item is None:\n        raise ValueError(item)\n    q.task_done()",  # an exception is not an end
        "with lock:\n        q.task_done()",
        "q.task_done()\n    if item:\n        return",
    ],
)
def test_a_helper_that_acknowledges_on_every_path(body: str) -> None:
    assert _acks(f"def finish(item, q):\n    {body}\n") == ((1,), ())


@pytest.mark.parametrize(
    "body",
    [
        "if item:\n        q.task_done()",
        "if item is None:\n        return\n    q.task_done()",
        "for _ in item:\n        q.task_done()",
        "while item:\n        q.task_done()",
        "try:\n        log(item)\n        q.task_done()\n    except OSError:\n        pass",
        "match item:\n        case 1:\n            q.task_done()",
    ],
)
def test_a_helper_that_acknowledges_on_some_paths(body: str) -> None:
    assert _acks(f"def finish(item, q):\n    {body}\n") == ((), (1,))


@pytest.mark.parametrize(
    "source",
    [
        "def finish(q):\n    log(q)\n",
        "def finish(q):\n    q = other\n    q.task_done()\n",  # rebound: not the caller's queue
        "def finish(q):\n    def later():\n        q.task_done()\n    return later\n",  # runs later, if at all
        "def finish(q):\n    callback(lambda: q.task_done())\n",
        "def finish(q, *, other):\n    other.task_done()\n",  # keyword-only: not by position
    ],
)
def test_a_function_that_does_not_acknowledge_its_parameter(source: str) -> None:
    assert _acks(source) == ((), ())


def test_a_function_that_only_acknowledges_is_kept_with_the_targets() -> None:
    """The project carries it to the modules that import it, with the targets."""
    source = "import logging\n\ndef finish(q, item):\n    logging.debug(item)\n    q.task_done()\n\ndef log(x):\n    print(x)\n"
    assert targets_of(ast.parse(source)) == {"finish": (3, 0, (), (), False, (0,), ())}
    assert target_gate(source.encode())
    assert target_gate(b"def finish(q):\n    q . task_done (\n)\n")
    assert not target_gate(b"def finish(q):\n    q.task_done\n")  # not called


def test_the_gate_passes_every_fixture_with_facts() -> None:
    """Sound on real code: no fixture whose functions get, put or acknowledge is skipped."""
    from tests.fixture_expectations import FIXTURES

    checked = 0
    for path in sorted(FIXTURES.rglob("*.py")):
        source = path.read_bytes()
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue
        if targets_of(tree):
            checked += 1
            assert target_gate(source), path
    assert checked > 50
