"""Can this text hold a queue at all? The first, cheapest gate, in front of every rule's.

Every rule reports on a queue, and the analysis calls a group of names a queue only on
evidence that is spelled out in the file (README.md, "What counts as a queue"):

1-3. a queue class builds or annotates it: every built-in class's name has `Queue` in it;
     a user's class may be named anything (where its name appears, `engine.rules_for`
     also opens every rule's gate);
4.   a queue-only method is called on it (`task_done`, `put_nowait`, `get_nowait`,
     `qsize`), or a get of it is caught by an `Empty` exception (every known one has
     `Empty` in its name);
5.   one of its names matches `queue-name-regex`; names are identifiers, and the
     analysis matches their last part, lowercased.

A text without any of these words cannot produce a finding, so most files of a project
are skipped here, before any gate's regular expression runs. Face attributes
(`janus.Queue().sync_q`) come from a class built in view, so `Queue` is in the text.
tests/test_gates.py lints with and without this gate and requires the same findings.
"""

from __future__ import annotations

import functools
import re

from qlint.registry import QUEUE_ONLY_METHODS
from qlint.settings import DEFAULT_QUEUE_NAME_REGEX, Settings

# The words of evidence 1-4 other than `Queue`, as they must appear in the text.
_WORDS = ("Empty", *sorted(QUEUE_ONLY_METHODS))
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def may_hold_a_queue(text: str, settings: Settings) -> bool:
    """False only if no name in `text` can count as a queue (then no rule can fire)."""
    if not text.isascii() or not settings.queue_name_regex.isascii():
        return True  # identifiers may be normalised (NFKC), or the regex may match them
    if any(name in text for name in user_class_names(settings)):
        return True
    lowered = text.lower()
    if "queue" in lowered:  # `Queue` (evidence 1-3), or a name the default regex matches
        return True
    if settings.queue_name_regex == DEFAULT_QUEUE_NAME_REGEX:
        if _default_short_name(lowered):
            return True
    elif any(settings.queue_name_pattern().fullmatch(name.lower()) for name in set(_IDENTIFIER.findall(text))):
        return True
    return any(word in text for word in _WORDS)


@functools.lru_cache(maxsize=16)
def user_class_names(settings: Settings) -> tuple[str, ...]:
    """Last names of the settings' queue classes without `Queue` in them (no gate knows them)."""
    dotted = [*settings.extra_queue_classes, *(name for name, _, _ in settings.queue_classes)]
    return tuple(sorted({last for last in (name.rsplit(".", 1)[-1] for name in dotted) if "Queue" not in last}))


def _default_short_name(lowered: str) -> bool:
    """An identifier that the default regex `q|.*_q|.*queue.*` matches by its first two
    alternatives: a `q` that ends a word and follows no letter or digit (`q`, `in_q`).

    A scan for `q` (a rare letter) beats a regular expression that must try every position.
    """
    at = lowered.find("q")
    while at >= 0:
        after = lowered[at + 1 : at + 2]
        if not (after.isalnum() or after == "_") and not lowered[at - 1 : at].isalnum():
            return True
        at = lowered.find("q", at + 1)
    return False
