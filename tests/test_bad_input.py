"""Inputs that reach the parser must give findings or QL000, never an exception.

Each case mentions get() and task_done(), so the text gate lets it through.
"""

from __future__ import annotations

import pytest

from qlint.engine import check_source

BODY = "def worker(q):\n    while True:\n        item = q.get()\n        work(item)\n        q.task_done()\n"

CASES = {
    "deeply nested parentheses": BODY + "x = " + "(" * 1000 + "1" + ")" * 1000 + "\n",
    "deeply nested blocks": BODY + "".join("    " * i + "if x:\n" for i in range(100)) + "    " * 100 + "pass\n",
    "NUL byte": BODY + "x = 1\x00\n",
    "BOM and CRLF": "\ufeff" + BODY.replace("\n", "\r\n"),
    "latin-1 cookie": "# -*- coding: latin-1 -*-\n" + BODY + "s = 'caf\xe9'\n",
    "lone CR newlines": BODY.replace("\n", "\r"),
    "form feed": "\x0c\n" + BODY,
    "undecodable bytes": None,
    "unknown cookie": "# -*- coding: no-such-codec -*-\n" + BODY,
}


def _source(name: str) -> bytes:
    if name == "undecodable bytes":
        return BODY.encode() + b"s = '\xff\xfe'\n"
    text = CASES[name]
    assert text is not None
    return text.encode("latin-1" if "latin-1" in name else "utf-8")


@pytest.mark.parametrize("name", sorted(CASES))
def test_never_raises(name: str) -> None:
    report = check_source(_source(name), "case.py")
    for diagnostic in report.diagnostics:
        assert diagnostic.code in ("QL000", "QL104"), diagnostic
        assert "\n" not in diagnostic.message
    assert all("\n" not in error for error in report.errors)
    assert report.diagnostics or report.errors, "a hostile input passed silently"
