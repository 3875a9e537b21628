"""Every rule's documentation shows code qlint really judges as it says.

Each ```python block under `## Example` must report its rule, each one under `## Use
instead` must not. A block is a complete module, linted as written with every rule
enabled (`qlint/rule_examples.py` says why and how): it must compile and define every
name it uses, so that a Use instead cannot stay silent only because qlint cannot tell
what its names are.
"""

from __future__ import annotations

import ast

import pytest
from pyflakes import checker, messages

from qlint.rule_examples import EXAMPLE, USE_INSTEAD, code_blocks, lint_block
from qlint.rules import RULES

_UNDEFINED = (messages.UndefinedName, messages.UndefinedLocal, messages.UndefinedExport)


def _blocks(rule, heading: str) -> list[str]:
    blocks = code_blocks(rule.doc, heading)
    assert blocks, f"{rule.code}: its doc has no ```python block under {heading!r}"
    return blocks


def _assert_complete(rule, heading: str, block: str) -> None:
    where = f"{rule.code} {heading!r} block"
    try:
        tree = ast.parse(block)
    except SyntaxError as error:
        pytest.fail(f"{where} does not compile: {error}\n{block}")
    undefined = [str(m) for m in checker.Checker(tree).messages if isinstance(m, _UNDEFINED)]
    assert not undefined, f"{where} is not a complete module: {undefined}\n{block}"


def _reported(block: str) -> list[str]:
    return [f"{d.line}:{d.col}: {d.code} {d.message}" for d in lint_block(block)]


@pytest.mark.parametrize("rule", RULES, ids=[r.code for r in RULES])
def test_example_reports_its_rule(rule) -> None:
    for block in _blocks(rule, EXAMPLE):
        _assert_complete(rule, EXAMPLE, block)
        found = [d for d in lint_block(block) if d.code == rule.code]
        assert found, f"{rule.code}'s {EXAMPLE!r} does not report {rule.code}; qlint reports {_reported(block)}\n{block}"


@pytest.mark.parametrize("rule", RULES, ids=[r.code for r in RULES])
def test_use_instead_does_not_report_its_rule(rule) -> None:
    for block in _blocks(rule, USE_INSTEAD):
        _assert_complete(rule, USE_INSTEAD, block)
        found = [line for line in _reported(block) if f" {rule.code} " in line]
        assert not found, f"{rule.code}'s {USE_INSTEAD!r} reports {found}\n{block}"


def test_code_blocks_are_taken_from_their_own_section() -> None:
    doc = (
        "QL999 x\n\n## Example\n```python\nbad()\n```\n\ntext\n```python\nworse()\n```\n\n"
        "## Use instead\n```python\ngood()\n```\nA note.\n\n## Fix safety\n```python\nnot_code()\n```\n"
    )
    assert code_blocks(doc, EXAMPLE) == ["bad()\n", "worse()\n"]
    assert code_blocks(doc, USE_INSTEAD) == ["good()\n"]
    assert code_blocks(doc, "## Missing") == []
