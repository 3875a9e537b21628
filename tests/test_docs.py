"""The rule pages under docs/ are exactly what `python -m qlint.docgen` generates."""

from __future__ import annotations

from pathlib import Path

import pytest

from qlint.docgen import rule_pages
from qlint.rules import RULES

DOCS = Path(__file__).resolve().parent.parent / "docs"
REGENERATE = "run `python -m qlint.docgen`"


@pytest.mark.parametrize("relative", sorted(rule_pages()))
def test_generated_page_is_up_to_date(relative: str) -> None:
    page = DOCS / relative
    assert page.is_file(), f"docs/{relative} is missing: {REGENERATE}"
    assert page.read_text("utf-8") == rule_pages()[relative], f"docs/{relative} is out of date: {REGENERATE}"


def test_no_page_for_a_code_that_is_not_a_rule() -> None:
    codes = {rule.code for rule in RULES}
    stale = [page.name for page in sorted((DOCS / "rules").glob("QL*.md")) if page.stem not in codes]
    assert not stale, f"pages for codes that are not rules: {', '.join(stale)}: {REGENERATE}"


def test_every_rule_page_is_in_the_index() -> None:
    index = rule_pages()["rules/index.md"]
    for rule in RULES:
        assert f"[{rule.name}]({rule.code}.md)" in index
