"""The rule pages under docs/ are exactly what `python -m qlint.docgen` generates."""

from __future__ import annotations

from pathlib import Path

import pytest

from qlint.docgen import README, generated_page, page_paths, rules_index, with_readme_table
from qlint.rules import RULES

DOCS = Path(__file__).resolve().parent.parent / "docs"
REGENERATE = "run `python -m qlint.docgen`"


# By name, each page generated in its own test: a page that cannot be generated (an Example
# on which qlint does not report its rule) fails its own test, not the collection of all.
@pytest.mark.parametrize("relative", sorted(page_paths()))
def test_generated_page_is_up_to_date(relative: str) -> None:
    page = DOCS / relative
    assert page.is_file(), f"docs/{relative} is missing: {REGENERATE}"
    assert page.read_text("utf-8") == generated_page(relative), f"docs/{relative} is out of date: {REGENERATE}"


def test_no_page_for_a_code_that_is_not_a_rule() -> None:
    codes = {rule.code for rule in RULES}
    stale = [page.name for page in sorted((DOCS / "rules").glob("QL*.md")) if page.stem not in codes]
    assert not stale, f"pages for codes that are not rules: {', '.join(stale)}: {REGENERATE}"


def test_every_rule_page_is_in_the_index() -> None:
    index = rules_index()
    for rule in RULES:
        assert f"[{rule.name}]({rule.code}.md)" in index


def test_readme_rule_table_is_up_to_date() -> None:
    readme = README.read_text("utf-8")
    assert readme == with_readme_table(readme), f"README.md's rule table is out of date: {REGENERATE}"
