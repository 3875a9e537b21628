"""What a module exports to the modules that use its functions and classes, read once
per file: its functions as thread targets (targets.py) and its classes' queue
attributes (attributes.py). Each has a cheap, sound gate on the bytes; the file is
parsed only when one passes."""

from __future__ import annotations

import ast
import io
import os
import stat
import tokenize
import warnings
from dataclasses import dataclass, field

from qlint.project.attributes import QueueAttribute, attributes_gate, queue_attributes
from qlint.project.targets import TargetFacts, target_gate, targets_of


@dataclass
class Exports:
    targets: dict[str, TargetFacts] = field(default_factory=dict)  # function -> what it does as a target
    attributes: dict[str, QueueAttribute] = field(default_factory=dict)  # `Class.attr` -> its queue


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
