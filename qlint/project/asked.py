"""A view with no answers that writes down every question the analysis asks of it.

A cold whole-project run lints each file in the same pass that reads it for the index,
before any file's real view exists. Each file is linted with an AskingView; once the
index is built, its questions are put to the real view. Only when one gets an answer
(or another module makes a rule needed here, `qlint.project.gates`) can the findings
differ, and only then is the file linted again. In a real project that is a handful
of files, so the index costs one reading of each file, not a second pass over them.

The questions are every method of ProjectView that the analysis calls: a new one must
be recorded here too (tests/test_project_asked.py checks the list).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Optional

from qlint.project.view import Elsewhere, MadeQueue, ProjectView, Target

# (method name, its arguments): plain data, sent back from the worker processes.
Question = tuple[str, tuple[Any, ...]]
QUESTIONS = ("global_join", "attribute_join", "parameter_join", "target", "acknowledgement", "made_queue")

# The analysis asks `made_queue` only of a view whose `made` is not empty: this one's must
# look filled, though it holds no answer.
_SOME_MADE: dict[str, MadeQueue] = {"": ("", 0, "")}


@dataclass
class AskingView(ProjectView):
    asked: set[Question] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.made = _SOME_MADE

    def in_file(self, path: str) -> ProjectView:
        """This view itself, told whether it is a package's (a copy would note the questions apart)."""
        self.package = path.replace("\\", "/").rsplit("/", 1)[-1] == "__init__.py"
        return self

    def rules_needed(self, text: str, import_words: Optional[frozenset[str]] = None) -> frozenset[str]:
        """None: the first pass runs the rules the file's own text opens; those another
        module makes needed are known once the index is (whole_project._may_differ)."""
        return frozenset()

    def made_classes(self, text: str) -> dict[str, str]:
        """None known yet (see rules_needed)."""
        return {}

    def global_join(self, name: str) -> Optional[Elsewhere]:
        self.asked.add(("global_join", (name,)))
        return None

    def attribute_join(self, class_qualname: str, attribute: str) -> Optional[Elsewhere]:
        self.asked.add(("attribute_join", (class_qualname, attribute)))
        return None

    def parameter_join(self, function_qualname: str, index: int) -> Optional[Elsewhere]:
        self.asked.add(("parameter_join", (function_qualname, index)))
        return None

    def target(self, dotted: str) -> Optional[Target]:
        self.asked.add(("target", (dotted,)))
        return None

    def acknowledgement(self, dotted: str, index: int) -> Optional[str]:
        self.asked.add(("acknowledgement", (dotted, index)))
        return None

    def made_queue(self, dotted: str) -> Optional[MadeQueue]:
        self.asked.add(("made_queue", (dotted,)))
        return None


def answered(questions: Iterable[Question], view: Optional[ProjectView]) -> bool:
    """Whether the real `view` answers one of `questions` (then the file's findings may differ)."""
    if view is None:
        return False
    return any(getattr(view, method)(*arguments) is not None for method, arguments in questions if method in QUESTIONS)
