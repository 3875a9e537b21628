"""What the index needs of one file (its summary and its exports), from bytes already read
and at most one CPython parse, which the engine may have made already.

A cold whole-project run reads each file once: the worker that lints it reads it for
the index in the same pass, with the engine's tree (qlint/whole_project.py). A file read
for its thread targets alone, which the engine did not parse, has only its functions
that say a queue call parsed (qlint/project/top_level.py).
"""

from __future__ import annotations

import ast
from typing import Any, Optional

from qlint.project.attributes import attributes_gate, queue_attributes
from qlint.project.exports import Exports
from qlint.project.index import summary_gate
from qlint.project.scopes import scope_nodes
from qlint.project.source import UNREADABLE, decode_source, parse_source
from qlint.project.summary import summarize
from qlint.project.targets import target_gate, targets_alone, targets_of

# (path, stamp before reading or None, summary as JSON or None, exports as JSON or None)
Reading = tuple[str, Optional[list[int]], Any, Any]


def reading_of(path: str, stamp: list[int], source: bytes, tree: Optional[ast.Module] = None) -> Reading:
    """The summary and exports of `source` (as summarize_file and exports_of_file read them),
    from `tree` when the caller has CPython's tree of it (the engine parsed the file).
    Never raises: a file that does not decode or parse says nothing to its project."""
    summarized, targets, attributes = summary_gate(source), target_gate(source), attributes_gate(source)
    nothing: Reading = (path, stamp, None, Exports().to_json())
    if not (summarized or targets or attributes):
        return nothing
    try:
        if tree is None and not (summarized or attributes):  # its functions may be targets: those alone are parsed
            found = targets_alone(source, path)
            if found is not None:
                return path, stamp, None, Exports(found, {}).to_json()
        text, tree = (decode_source(source), tree) if tree is not None else parse_source(source, path)
        # One walk for the three readers; the targets alone need only the module's functions.
        scopes = scope_nodes(tree) if summarized or attributes else None
        summary = summarize(tree, text, scopes).to_json() if summarized else None
        exports = Exports(
            targets_of(tree, scopes) if targets else {}, queue_attributes(tree, scopes) if attributes else {}
        )
    except UNREADABLE:
        return nothing
    return path, stamp, summary, exports.to_json()
