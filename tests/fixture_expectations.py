"""Inline expectations of the fixtures: `# error: QL104` or `# error: QL104:9, QL103`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
_MARK = re.compile(r"#\s*error:\s*(?P<codes>QL\d{3}(?::\d+)?(?:\s*,\s*QL\d{3}(?::\d+)?)*)\s*$")


@dataclass(frozen=True)
class Expected:
    line: int
    code: str
    col: Optional[int]


def fixture_files() -> list[Path]:
    return sorted(p for p in FIXTURES.glob("*.py"))


def expectations(text: str) -> list[Expected]:
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        match = _MARK.search(line)
        if match is None:
            continue
        for item in match.group("codes").split(","):
            code, _, col = item.strip().partition(":")
            found.append(Expected(number, code, int(col) if col else None))
    return found


def as_noqa(text: str, blanket: bool) -> str:
    """Every expectation turned into a `# noqa` comment that silences it."""

    def replace(match: re.Match[str]) -> str:
        if blanket:
            return "# noqa"
        codes = [c.strip().partition(":")[0] for c in match.group("codes").split(",")]
        return "# noqa: " + ",".join(codes)

    return "\n".join(_MARK.sub(replace, line) for line in text.split("\n"))


_FINDING_LINE = re.compile(r"^.+:\d+:\d+: QL\d{3} ")


def finding_lines(out: str) -> list[str]:
    """The finding lines of default output, without the closing lines about fixes."""
    return [line for line in out.splitlines() if _FINDING_LINE.match(line)]
