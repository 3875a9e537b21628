"""Every rule documents itself and has a positive and a negative fixture."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from qlint.rules import RULES
from tests.fixture_expectations import expectations, fixture_files

HEADINGS = ("## What it does", "## Why is this bad?", "## Example", "## Use instead", "## Fix safety")
_NEGATIVE = re.compile(r"^# negative: (?P<codes>.+)$", re.MULTILINE)


def _negatives() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for path in fixture_files():
        match = _NEGATIVE.search(path.read_text("utf-8"))
        if match:
            for code in match.group("codes").split(","):
                found.setdefault(code.strip(), []).append(path.name)
    return found


@pytest.mark.parametrize("rule", RULES, ids=[r.code for r in RULES])
def test_rule_has_doc_and_fixtures(rule) -> None:
    assert rule.doc.startswith(f"{rule.code} {rule.name}")
    for heading in HEADINGS:
        assert heading in rule.doc, f"{rule.code} doc lacks {heading!r}"
    positives = [p for p in fixture_files() if any(e.code == rule.code for e in expectations(p.read_text("utf-8")))]
    assert positives, f"{rule.code} has no positive fixture"
    assert _negatives().get(rule.code), f"{rule.code} has no negative fixture"


def test_negative_fixtures_say_what_they_guard() -> None:
    for path in fixture_files():
        if path.name.startswith("ok_"):
            assert _NEGATIVE.search(path.read_text("utf-8")), f"{path.name} lacks a '# negative: QLnnn' line"


def test_rule_command_prints_the_doc() -> None:
    done = subprocess.run([sys.executable, "-m", "qlint", "rule", "QL104"], capture_output=True, text=True)
    assert done.returncode == 0
    assert done.stdout.startswith("QL104 task-done-not-in-finally")
    listing = subprocess.run([sys.executable, "-m", "qlint", "rule"], capture_output=True, text=True)
    assert [line.split()[0] for line in listing.stdout.splitlines()] == [r.code for r in RULES]
    unknown = subprocess.run([sys.executable, "-m", "qlint", "rule", "QL999"], capture_output=True, text=True)
    assert unknown.returncode == 2
