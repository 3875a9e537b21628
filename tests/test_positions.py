"""Positions from one top-level statement at a time equal LibCST's whole-module positions."""

from __future__ import annotations

import ast

import libcst as cst
import pytest

from qlint.analysis.walk import walk_module
from qlint.positions import _whole_module, spans
from qlint.screen import decode
from tests.fixture_expectations import fixture_files

AWKWARD = {
    "decorators": "import functools\n\n@functools.cache\n@staticmethod\ndef f(q):\n    return q.get()\n",
    "semicolons": "import queue; q = queue.Queue(); q.put(1)\nx = q.get(); q.task_done()\n",
    "crlf": "def f(q):\r\n    while True:\r\n        q.get()\r\n        q.task_done()\r\n",
    "tabs": "def f(q):\n\twhile True:\n\t\tx = q.get()  # é\n\t\tq.task_done()\n",
    "comments between": "# one\n\n# two\nq.get()\n\n\n# three\nclass A:\n    def m(self):\n        self.q.get()\n",
    "continuation": "x = q.get(\n    timeout=1,\n) ; y = \\\n  q.get()\nif x:\n    pass\n",
    "blank start": "\n\n\nq.join()\n",
}


def _check(text: str) -> None:
    module = cst.parse_module(text)
    record = walk_module(module)
    nodes = list(_nodes(module, record.top_of))
    assert nodes
    assert spans(module, ast.parse(decode(text)), nodes, record.top_of) == _whole_module(module, nodes)


def _nodes(module: cst.Module, top_of: dict[int, int]):
    """Every node the walk recorded a top-level statement for."""
    stack: list[cst.CSTNode] = [module]
    while stack:
        node = stack.pop()
        if id(node) in top_of:
            yield node
        stack.extend(node.children)


@pytest.mark.parametrize("name", sorted(AWKWARD))
def test_awkward_layouts(name: str) -> None:
    _check(AWKWARD[name])


@pytest.mark.parametrize("path", fixture_files(), ids=[p.name for p in fixture_files()])
def test_fixtures(path) -> None:
    _check(decode(path.read_bytes()))
