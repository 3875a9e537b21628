"""Settings: an immutable value built once per run and passed to the engine."""

from __future__ import annotations

import fnmatch
import functools
import os
import re
from dataclasses import dataclass
from typing import Optional

DEFAULT_QUEUE_NAME_REGEX = r"q|.*_q|.*queue.*"


@dataclass(frozen=True)
class Settings:
    """What to report and what counts as a queue.

    `select`/`ignore` hold codes or prefixes (`QL1`, `QL104`); a code is reported
    when its longest matching select prefix is longer than its longest matching
    ignore prefix. The command line resolves its layers into `select` alone.
    """

    select: tuple[str, ...] = ("QL",)
    ignore: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (glob pattern, codes)
    extra_queue_classes: tuple[str, ...] = ()
    # `[tool.qlint.queue-classes]`: (class, the class it is like, join-timeout or None)
    queue_classes: tuple[tuple[str, str, Optional[bool]], ...] = ()
    queue_name_regex: str = DEFAULT_QUEUE_NAME_REGEX

    def is_enabled(self, code: str, ignored_here: tuple[str, ...] = ()) -> bool:
        """Selected, not ignored, and not in `ignored_here` (`ignored_in(path)` of its file)."""
        chosen = _longest_prefix(code, self.select)
        dropped = _longest_prefix(code, self.ignore)
        if not (chosen > 0 and chosen > dropped):
            return False
        return not _longest_prefix(code, ignored_here)

    def ignored_in(self, path: str) -> tuple[str, ...]:
        """Codes per-file-ignores drop for `path`: a pattern matches the path or its file name."""
        if not self.per_file_ignores:
            return ()
        posix = path.replace(os.sep, "/")
        name = posix.rsplit("/", 1)[-1]
        codes: list[str] = []
        for pattern, ignored in self.per_file_ignores:
            if fnmatch.fnmatchcase(posix, pattern) or fnmatch.fnmatchcase(name, pattern) or fnmatch.fnmatchcase(
                posix, "*/" + pattern
            ):
                codes.extend(ignored)
        return tuple(codes)

    def queue_name_pattern(self) -> re.Pattern[str]:
        return _compiled(self.queue_name_regex)


@dataclass(frozen=True)
class SelectionLayer:
    """One source of selection (the config file, the command line), as ruff layers them."""

    select: Optional[tuple[str, ...]] = None
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()


def resolve_selection(codes: tuple[str, ...], layers: list[SelectionLayer]) -> tuple[str, ...]:
    """The codes enabled after applying `layers` in order, starting from everything (`QL`).

    A layer with a `select` starts afresh from it; within a layer the most specific
    selector decides and ignore wins a tie; without a `select`, a layer only adds
    (`extend-select`) and removes (`ignore`) from what earlier layers enabled.
    """
    enabled = {code for code in codes if code.startswith("QL")}
    for layer in layers:
        chosen = tuple(layer.select or ()) + layer.extend_select
        updated = set() if layer.select is not None else set(enabled)
        for code in codes:
            picked = _longest_prefix(code, chosen)
            dropped = _longest_prefix(code, layer.ignore)
            if picked > dropped:
                updated.add(code)
            elif dropped:
                updated.discard(code)
        enabled = updated
    return tuple(sorted(enabled))


def _longest_prefix(code: str, prefixes: tuple[str, ...]) -> int:
    best = 0
    for prefix in prefixes:
        if prefix == "ALL":
            best = max(best, 1)
        elif code.startswith(prefix):
            best = max(best, len(prefix) + 1)
    return best


@functools.cache
def _compiled(regex: str) -> re.Pattern[str]:
    return re.compile(regex)
