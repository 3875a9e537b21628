"""What a module exports to the modules that use its functions and classes, read once
per file: its functions as thread targets (targets.py) and its classes' queue
attributes (attributes.py). Each has a cheap, sound gate on the bytes; the file is
parsed only when one passes. ExportsStore keeps them between runs, next to the
summaries, trusted while a file's size and modification time are unchanged."""

from __future__ import annotations

import ast
import contextlib
import io
import json
import os
import stat
import tokenize
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from qlint.project.attributes import QueueAttribute, attributes_gate, queue_attributes
from qlint.project.targets import TargetFacts, target_gate, targets_of


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
            {_str(n): (_int(d), _int(e), tuple(map(_int, p)), tuple(map(_int, g)), _bool(c), tuple(map(_int, a)),
                       tuple(map(_int, s)))
             for n, (d, e, p, g, c, a, s) in targets.items()},
            {_str(n): (_int(line), _str(made)) for n, (line, made) in attributes.items()},
        )


def _str(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError("not a string")
    return value


def _int(value: Any) -> int:
    if type(value) is not int:
        raise TypeError("not an int")
    return value


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise TypeError("not a bool")
    return value


class ExportsStore:
    """Exports kept between runs (JSON, never pickle) in `file`, trusted while a file's size
    and modification time are unchanged. Unusable or unwritable: ignored, never raised."""

    def __init__(self, file: Optional[Path]) -> None:
        self.file = file
        self.entries: dict[str, Any] = {}
        self.dirty = False
        if file is not None:
            with contextlib.suppress(OSError, ValueError, RecursionError):
                data = json.loads(file.read_bytes())
                if isinstance(data, dict):
                    self.entries = data

    def holds(self, path: str, stamp: list[int]) -> bool:
        entry = self.entries.get(path)
        return isinstance(entry, list) and len(entry) == 2 and entry[0] == stamp

    def keep(self, path: str, stamp: list[int], exported: Any) -> None:
        """What a worker read (`Exports.to_json()`) for the file whose stamp was `stamp`."""
        self.entries[path] = [stamp, exported]
        self.dirty = True

    def read(self, path: str) -> Exports:
        try:
            info = os.stat(path)
        except OSError:
            return Exports()
        stamp = [info.st_size, info.st_mtime_ns]
        entry = self.entries.get(path)
        if isinstance(entry, list) and len(entry) == 2 and entry[0] == stamp:
            with contextlib.suppress(TypeError, ValueError, AttributeError):
                return Exports.from_json(entry[1])
        exports = exports_of_file(path)
        self.entries[path] = [stamp, exports.to_json()]
        self.dirty = True
        return exports

    def save(self) -> None:
        if self.file is None or not self.dirty:
            return
        temporary = self.file.with_name(f"{self.file.name}.{os.getpid()}.tmp")
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            temporary.write_text(json.dumps(self.entries, separators=(",", ":")), encoding="ascii")
            os.replace(temporary, self.file)
        except (OSError, ValueError):
            with contextlib.suppress(OSError):
                temporary.unlink()


def exports_file(summaries: Optional[Path]) -> Optional[Path]:
    """Where the exports are kept: beside the summaries' file (`summaries-*.json`)."""
    return None if summaries is None else summaries.with_name("exports-" + summaries.name.split("-", 1)[-1])


def exports_of_file(path: str) -> Exports:
    """The exports of the file at `path` (empty when unreadable, or nothing to say)."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return Exports()
        with open(path, "rb") as handle:
            source = handle.read()
        targets, attributes = target_gate(source), attributes_gate(source)
        if not (targets or attributes):
            return Exports()
        encoding, _ = tokenize.detect_encoding(io.BytesIO(source).readline)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(source.decode(encoding), filename=path)
        return Exports(targets_of(tree) if targets else {}, queue_attributes(tree) if attributes else {})
    except (OSError, SyntaxError, UnicodeDecodeError, LookupError, ValueError, RecursionError, MemoryError, SystemError):
        return Exports()
