"""Which rules a file must run because of what another module of the project says,
though its own text does not pass their gates: it names a consumer or producer
function defined elsewhere (QL203, QL204), or a class attribute built elsewhere as a
queue (QL202, QL303), or a helper defined elsewhere that acknowledges, in a file that
gets (the consumer rules that follow paths, ACK_RULES). Each also needs what it looks
for in the file itself: a thread maker and `join` (QL203, QL204), a `join`/`task_done`
(QL202), a `get`, `put` or `join` (QL303), a `get` (ACK_RULES). Files that need none
are not parsed, as with `--isolated-modules`."""

from __future__ import annotations

from typing import Callable, Optional

from qlint.project.view import ACK_RULES, ProjectView, says_get
from qlint.registry import WORKER_MAKERS


def needed_rules(view: ProjectView, text: str, import_words: Optional[frozenset[str]] = None) -> frozenset[str]:
    codes = view.rules_needed(text, import_words)
    return codes & possibly_needed(text) if codes else codes


# Each group of rules and what it looks for in the file itself, the cheapest test first.
_LOOKS_FOR: tuple[tuple[frozenset[str], Callable[[str], bool]], ...] = (
    (frozenset({"QL303"}), lambda text: "get" in text or "put" in text or "join" in text),
    (frozenset({"QL202"}), lambda text: "join" in text or "task_done" in text),
    (frozenset({"QL203", "QL204"}), lambda text: "join" in text and any(maker in text for maker in WORKER_MAKERS)),
    (ACK_RULES, says_get),
)


def possibly_needed(text: str) -> frozenset[str]:
    """The rules that some view could make needed in a file with this `text`: each needs
    what it looks for in the file itself."""
    return frozenset(code for codes, looks in _LOOKS_FOR if looks(text) for code in codes)


def possibly_needed_besides(text: str, ran: frozenset[str]) -> frozenset[str]:
    """`possibly_needed(text) - ran`, testing the text only for the groups not all run."""
    return frozenset(code for codes, looks in _LOOKS_FOR if not codes <= ran and looks(text) for code in codes - ran)
