"""What a module exports to the modules that use its functions and classes, read once
per file: its functions as thread targets (targets.py) and its classes' queue
attributes (attributes.py). Each has a cheap, sound gate on the bytes; the file is
parsed only when one passes. ExportsStore keeps them between runs, next to the
summaries, trusted while a file's size and modification time are unchanged."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from qlint.project.attributes import QueueAttribute, attributes_gate, queue_attributes
from qlint.project.scopes import scope_nodes
from qlint.project.source import UNREADABLE, parse_source, read_bytes
from qlint.project.stored import JsonStore, as_bool, as_int, as_str, stamp_of
from qlint.project.targets import TargetFacts, target_gate, targets_alone, targets_of


@dataclass
class Exports:
    targets: dict[str, TargetFacts] = field(default_factory=dict)  # function -> what it does as a target (or helper)
    attributes: dict[str, QueueAttribute] = field(default_factory=dict)  # `Class.attr` -> its queue

    def to_json(self) -> list[Any]:
        return [
            {name: [d, e, list(p), list(g), c, list(a), list(s)] for name, (d, e, p, g, c, a, s) in self.targets.items()},
            {name: [line, made] for name, (line, made) in self.attributes.items()},
        ]

    @classmethod
    def from_json(cls, data: Any) -> Exports:
        """The exports back; TypeError or ValueError when `data` is not what to_json wrote."""
        targets, attributes = data
        return cls(
            {as_str(n): (as_int(d), as_int(e), tuple(map(as_int, p)), tuple(map(as_int, g)), as_bool(c),
                         tuple(map(as_int, a)), tuple(map(as_int, s)))
             for n, (d, e, p, g, c, a, s) in targets.items()},
            {as_str(n): (as_int(line), as_str(made)) for n, (line, made) in attributes.items()},
        )


class ExportsStore(JsonStore):
    """Exports kept between runs (qlint/project/stored.py), by path."""

    def keep(self, path: str, stamp: list[int], exported: Any) -> None:
        """What a worker read (`Exports.to_json()`) for the file whose stamp was `stamp`."""
        self.put(path, stamp, exported)

    def read(self, path: str) -> Exports:
        stamp = stamp_of(path)
        if stamp is None:
            return Exports()
        if self.fresh(path, stamp):
            with contextlib.suppress(TypeError, ValueError, AttributeError):
                return Exports.from_json(self.entries[path][1])
        exports = exports_of_file(path)
        self.put(path, stamp, exports.to_json())
        return exports


def exports_file(summaries: Optional[Path]) -> Optional[Path]:
    """Where the exports are kept: beside the summaries' file (`summaries-*.json`)."""
    return None if summaries is None else summaries.with_name("exports-" + summaries.name.split("-", 1)[-1])


def exports_of_file(path: str) -> Exports:
    """The exports of the file at `path` (empty when unreadable, or nothing to say)."""
    _, source = read_bytes(path)
    if source is None:
        return Exports()
    targets, attributes = target_gate(source), attributes_gate(source)
    if not (targets or attributes):
        return Exports()
    if not attributes:  # its functions may do (qlint/project/top_level.py)
        try:
            found = targets_alone(source, path)
        except UNREADABLE:
            return Exports()
        if found is not None:
            return Exports(found, {})
    try:
        _, tree = parse_source(source, path)
        scopes = scope_nodes(tree) if attributes else None  # one walk for both readers
        return Exports(targets_of(tree, scopes) if targets else {}, queue_attributes(tree, scopes) if attributes else {})
    except UNREADABLE:
        return Exports()
