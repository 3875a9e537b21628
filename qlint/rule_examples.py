"""The code of a rule's documentation, and what qlint reports on it.

A rule's docstring shows the bug in ```python blocks under `## Example` and its repair
under `## Use instead`. Each such block is a complete module, and qlint lints it as
written, with every rule enabled: nothing is added around it. So a block imports what
it uses (`import queue`), defines the worker it runs, starts it, and makes the wait
that gives the bug its effect (`q.join()`): several rules only report a queue that
something waits on. What the example does not care about comes from an import
(`from jobs import load_jobs, process`), so that every name is defined.

`tests/test_rule_examples.py` requires every Example to report its rule, and every Use
instead not to; `qlint.docgen` prints, as the rule's message, what qlint reports for the
rule on its first Example.
"""

from __future__ import annotations

import re
from functools import cache

from qlint.diagnostic import Diagnostic
from qlint.engine import lint_source
from qlint.rules.base import Rule
from qlint.settings import Settings

EXAMPLE = "## Example"
USE_INSTEAD = "## Use instead"
# The file name a block is linted under (no path-specific settings apply to it).
EXAMPLE_PATH = "example.py"

# Every rule, and otherwise the defaults a user without configuration gets.
_ALL_RULES = Settings(select=("QL",))
_PYTHON_BLOCK = re.compile(r"^```python\n(.*?)^```", re.MULTILINE | re.DOTALL)


def code_blocks(doc: str, heading: str) -> list[str]:
    """The ```python blocks of the section `heading` opens (up to the next `## ` heading)."""
    match = re.search(rf"^{re.escape(heading)}\n(.*?)(?=^## |\Z)", doc, re.MULTILINE | re.DOTALL)
    return _PYTHON_BLOCK.findall(match.group(1)) if match else []


@cache
def lint_block(block: str) -> tuple[Diagnostic, ...]:
    """What qlint reports on a documentation block: the block is the whole module."""
    return tuple(lint_source(block, EXAMPLE_PATH, _ALL_RULES))


def example_finding(rule: Rule) -> Diagnostic:
    """The first finding of `rule` on its first Example; ValueError if there is none."""
    blocks = code_blocks(rule.doc, EXAMPLE)
    if not blocks:
        raise ValueError(f"{rule.code}: its doc has no ```python block under {EXAMPLE!r}")
    for diagnostic in lint_block(blocks[0]):
        if diagnostic.code == rule.code:
            return diagnostic
    raise ValueError(f"{rule.code}: qlint does not report {rule.code} on the doc's first {EXAMPLE!r} block")
