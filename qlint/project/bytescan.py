"""Cheap scans of a file's bytes for the index's gates (summary, thread targets, queue
attributes), which run on every file of a project.

Between two tokens Python allows spaces, line continuations and, across lines, comments:
`GAP` matches what may stand there. A gate's regular expression that starts with `\\.`
is tried at every dot of a file; `may_call` first finds the method's name with
`bytes.find` and what must follow it, and the gate asks its expression only then.
"""

from __future__ import annotations

import re

GAP = rb"(?:\s|\\|#[^\r\n]*(?![^\r\n]))*"


def may_call(data: bytes, names: tuple[bytes, ...], call: re.Pattern[bytes]) -> bool:
    """Whether `call` (a method's name and what follows it) matches where one of `names`
    starts in `data`, not as the end of a longer name: never False where an expression
    `\\.` GAP `call` matches."""
    for name in names:
        at = data.find(name)
        while at >= 0:
            before = data[at - 1 : at]
            if not (before.isalnum() or before == b"_") and call.match(data, at):
                return True
            at = data.find(name, at + 1)
    return False
