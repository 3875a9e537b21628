"""`# noqa` exactly as flake8 reads it.

flake8 searches the whole logical line a finding is on (a multi-line statement's noqa
comment covers all its lines), matches `# noqa` / `# noqa: CODES` case-insensitively,
treats the codes as prefixes, and skips a file with a line `# flake8: noqa`.
"""

from __future__ import annotations

import io
import re
import tokenize

# The same patterns as flake8's `defaults.NOQA_INLINE_REGEXP` and `NOQA_FILE`.
NOQA_INLINE = re.compile(r"# noqa(?::[\s]?(?P<codes>([A-Z]+[0-9]+(?:[,\s]+)?)+))?", re.IGNORECASE)
NOQA_FILE = re.compile(r"\s*# flake8[:=]\s*noqa", re.IGNORECASE)
_SEPARATOR = re.compile(r"[,\s]")


def python_lines(text: str) -> list[str]:
    """Lines split where Python (and flake8) split them: only at LF, CR and CRLF.

    `str.splitlines()` also splits at form feeds and other separators, which would
    shift every line number after one.
    """
    return io.StringIO(text, newline="").readlines()


class NoqaMap:
    """Answers "is this code silenced on this line?" for one file."""

    def __init__(self, text: str) -> None:
        self.lines = python_lines(text)
        self.any_noqa = "noqa" in text.lower()  # most files have none: no tokenizing then
        self.file_silenced = self.any_noqa and any(NOQA_FILE.match(line) for line in self.lines)
        self._logical: dict[int, str] | None = None

    def _logical_lines(self) -> dict[int, str]:
        if self._logical is None:
            mapping: dict[int, str] = {}
            try:
                tokens = list(tokenize.generate_tokens(io.StringIO("".join(self.lines)).readline))
            except (tokenize.TokenError, SyntaxError, IndentationError):
                tokens = []
            low, high = len(self.lines) + 2, -1
            for kind, _, (start, _), (end, _), _ in tokens:
                if kind in (tokenize.ENDMARKER, tokenize.DEDENT):
                    continue
                low, high = min(low, start), max(high, end)
                if kind in (tokenize.NL, tokenize.NEWLINE):
                    joined = "".join(self.lines[low - 1 : high])
                    for number in range(low, high + 1):
                        mapping[number] = joined
                    low, high = len(self.lines) + 2, -1
            self._logical = mapping
        return self._logical

    def silences(self, line: int, code: str) -> bool:
        if not self.any_noqa:
            return False
        if self.file_silenced:
            return True
        text = self._logical_lines().get(line)
        if text is None:
            text = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        match = NOQA_INLINE.search(text)
        if match is None:
            return False
        codes_text = match.group("codes")
        if codes_text is None:
            return True
        codes = {c for c in _SEPARATOR.split(codes_text) if c}
        return code in codes or code.startswith(tuple(codes))
