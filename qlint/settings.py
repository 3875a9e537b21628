"""Settings: an immutable value built once per run and passed to the engine."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

DEFAULT_QUEUE_NAME_REGEX = r"q|.*_q|.*queue.*"


@dataclass(frozen=True)
class Settings:
    """What to report and what counts as a queue.

    `select`/`ignore` hold code prefixes (`QL1`, `QL104`); a code is reported
    when its longest matching select prefix is longer than its longest matching
    ignore prefix, as in ruff.
    """

    select: tuple[str, ...] = ("QL",)
    ignore: tuple[str, ...] = ()
    extra_queue_classes: tuple[str, ...] = ()
    queue_name_regex: str = DEFAULT_QUEUE_NAME_REGEX

    def is_enabled(self, code: str) -> bool:
        chosen = _longest_prefix(code, self.select)
        dropped = _longest_prefix(code, self.ignore)
        return chosen > 0 and chosen > dropped

    def queue_name_pattern(self) -> re.Pattern[str]:
        return _compiled(self.queue_name_regex)


def _longest_prefix(code: str, prefixes: tuple[str, ...]) -> int:
    best = 0
    for prefix in prefixes:
        if prefix == "ALL":
            best = max(best, 1)
        elif code.startswith(prefix):
            best = max(best, len(prefix) + 1)
    return best


@functools.lru_cache(maxsize=None)
def _compiled(regex: str) -> re.Pattern[str]:
    return re.compile(regex)
