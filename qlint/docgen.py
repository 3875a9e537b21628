"""The rule pages under `docs/rules/`, generated from `qlint.rules.RULES`.

Each rule's docstring is its documentation (`qlint rule QL104` prints it), so the
pages are derived from it rather than written twice. `tests/test_docs.py` fails when
the files on disk drift from what this module generates.

Each page ends with the message qlint prints for the rule: not the rule's `MESSAGE` (a
summary, also SARIF's short description), which many rules replace by a message naming
what they found, but a real finding, on the rule's `## Example`, as `qlint` prints it
(`qlint/rule_examples.py`).

The README's rule table is generated too, from each rule's `FIRES_WHEN`, between its
two marker comments. So adding a rule touches its module, its fixtures and what this
writes.

Regenerate with `python -m qlint.docgen`.
"""

from __future__ import annotations

import io
from pathlib import Path

from qlint.diagnostic import Diagnostic
from qlint.output.text import write_default
from qlint.rule_examples import EXAMPLE_PATH, example_finding
from qlint.rules import RULES
from qlint.rules.base import Rule

DOCS_DIRECTORY = Path(__file__).resolve().parent.parent / "docs"
README = DOCS_DIRECTORY.parent / "README.md"
RULES_INDEX = "rules/index.md"
README_TABLE_START = "<!-- rules: generated from each rule's FIRES_WHEN by `python -m qlint.docgen` -->\n"
README_TABLE_END = "<!-- end of rules -->"


def rule_page_path(rule: Rule) -> str:
    return f"rules/{rule.code}.md"


def _code_span(text: str) -> str:
    """Inline code that survives a Markdown table: `|` would end the cell."""
    return "`" + text.replace("|", "\\|") + "`"


def rule_page(rule: Rule) -> str:
    # The docstring's first line is "QLnnn name"; the page title says it instead.
    body = rule.doc.split("\n", 1)[1].strip() if "\n" in rule.doc else ""
    finding = example_finding(rule)
    return (
        f"# {rule.code}: {rule.name}\n\n"
        f"{body}\n\n"
        "## Message\n\n"
        f"On the example, saved as `{EXAMPLE_PATH}`, qlint prints:\n\n"
        f"```text\n{_printed(finding)}```\n"
    )


def _printed(finding: Diagnostic) -> str:
    """The finding as `qlint` prints it by default (the `[*]` mark included)."""
    out = io.StringIO()
    write_default([finding], out)
    return out.getvalue()


def rules_index() -> str:
    rows = [
        f"| {rule.code} | [{rule.name}]({Path(rule_page_path(rule)).name}) | {_code_span(rule.message)} |"
        for rule in RULES
    ]
    return (
        "# Rules\n\n"
        "Every rule qlint has. `qlint rule CODE` prints the same documentation in a terminal.\n\n"
        "| Code | Name | Summary |\n"
        "|---|---|---|\n" + "\n".join(rows) + "\n"
    )


def readme_table() -> str:
    """The README's table of rules, markers included."""
    rows = [f"| {rule.code} | {rule.name} | {rule.fires_when} |" for rule in RULES]
    return README_TABLE_START + "| code | name | fires when |\n|---|---|---|\n" + "\n".join(rows) + "\n" + README_TABLE_END


def with_readme_table(readme: str) -> str:
    """`readme` with the text between the table's markers (and them) generated anew."""
    start = readme.index(README_TABLE_START)
    end = readme.index(README_TABLE_END, start) + len(README_TABLE_END)
    return readme[:start] + readme_table() + readme[end:]


def page_paths() -> list[str]:
    """The path of every generated page, relative to `docs/`."""
    return [rule_page_path(rule) for rule in RULES] + [RULES_INDEX]


def generated_page(relative: str) -> str:
    """The text of one page (`relative` as `page_paths()` has it), generating no other."""
    if relative == RULES_INDEX:
        return rules_index()
    return rule_page(next(rule for rule in RULES if rule_page_path(rule) == relative))


def rule_pages() -> dict[str, str]:
    """Every generated page, keyed by its path relative to `docs/`."""
    return {relative: generated_page(relative) for relative in page_paths()}


def stale_rule_pages(docs: Path = DOCS_DIRECTORY) -> list[Path]:
    """Pages left behind by a rule that was renumbered or removed."""
    current = rule_pages()
    return [
        page
        for page in sorted((docs / "rules").glob("QL*.md"))
        if page.relative_to(docs).as_posix() not in current
    ]


def main() -> None:
    for relative, text in rule_pages().items():
        target = DOCS_DIRECTORY / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        # Bytes, so the files hold "\n" whatever the platform.
        target.write_bytes(text.encode("utf-8"))
        print(f"wrote {target}")
    for page in stale_rule_pages():
        page.unlink()
        print(f"removed {page}")
    README.write_bytes(with_readme_table(README.read_text("utf-8")).encode("utf-8"))
    print(f"wrote the rule table of {README}")


if __name__ == "__main__":
    main()
