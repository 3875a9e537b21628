"""What one module may ask of the rest of its project: where its queues are joined, what
the functions it may start as thread or process targets do, and which parameters the
helpers it may call acknowledge (qlint/project/targets.py).

A view is plain data (it crosses to worker processes) and small: only the answers for
the module's own globals, classes and functions, and the joins through a receiver of
unknown class whose attribute name the module's text mentions. Its digest keys the
module's cached result: an edit elsewhere re-lints this module only when one of these
answers changes. The targets are the project's; a module's digest holds those whose
function name its text mentions (it cannot start one it does not name).

The module's own names arrive as it spells them: `.workers.consume` for `from .workers
import consume` is resolved against its module name (and, for an `__init__.py`, its
package), as Python does.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Optional, TypeVar

from qlint.project.imported import import_prefixes, reaches
from qlint.project.layout import absolute_import
from qlint.project.targets import TargetFacts
from qlint.registry import WORKER_MAKERS

_Entry = TypeVar("_Entry")

# (path from the project root, line, col) of a join.
Location = tuple[str, int, int]
# A function of the project as a target: (its file's path from the project root, its facts).
Target = tuple[str, TargetFacts]
# A class attribute built as a queue: (its file, the line, the dotted constructor).
MadeQueue = tuple[str, int, str]


# The rules that learn a queue's class from the module that builds it, and those that
# judge a thread target another module defines.
MADE_RULES = frozenset({"QL202", "QL303"})
_TARGET_RULES = frozenset({"QL203", "QL204"})
# The rules that follow the paths of a consumer loop through a helper that acknowledges
# (their own gates want a `task_done` in the file's text).
ACK_RULES = frozenset({"QL102", "QL103", "QL104", "QL105", "QL106"})


def says_get(text: str) -> bool:
    """Whether a queue's get may be in `text`: `get` or `get_nowait` as a word (`q.get(`,
    `iter(q.get, None)`; not `target=`). Found by str.find: a regular expression that
    starts with `\\b` is tried at every position of every file of a run."""
    at = text.find("get")
    while at >= 0:
        end = at + 3
        if text.startswith("_nowait", end):
            end += len("_nowait")
        if (at == 0 or not _word_char(text[at - 1])) and (end == len(text) or not _word_char(text[end])):
            return True
        at = text.find("get", at + 3)
    return False


def _word_char(char: str) -> bool:
    return char.isalnum() or char == "_"


@dataclass(frozen=True)
class Elsewhere:
    """A join in another file, and why it counts for this queue."""

    where: Location
    how: str  # "attribute" (through a receiver), "global", "parameter" (a caller passes the queue)
    by_name: bool = False  # matched by attribute name alone: the receiver's class is not known


@dataclass
class ProjectView:
    module: str
    root: str = ""  # the project's folder, absolute: Locations are relative to it
    globals: dict[str, Location] = field(default_factory=dict)
    attributes: dict[tuple[str, str], Location] = field(default_factory=dict)  # (class qualname, attr)
    parameters: dict[tuple[str, int], Location] = field(default_factory=dict)  # (function qualname, index)
    by_name: dict[str, Location] = field(default_factory=dict)  # attr -> a join of unknown receiver class
    targets: dict[str, Target] = field(default_factory=dict)  # `app.workers.consume` -> what it does
    made: dict[str, MadeQueue] = field(default_factory=dict)  # `app.client.Client.inbox` -> how it is built
    package: bool = False  # the module is a package's `__init__.py`: `.x` is a module inside it

    def in_file(self, path: str) -> ProjectView:
        """This view for the file at `path`: an `__init__.py` resolves `from .x import y`
        inside its own package (the module name alone does not say it is one)."""
        package = path.replace("\\", "/").rsplit("/", 1)[-1] == "__init__.py"
        return self if package == self.package else replace(self, package=package)

    def absolute(self, dotted: str) -> Optional[str]:
        """`dotted` as the project names it: `.workers.consume` in `app.main` is
        `app.workers.consume`; None past the top of the package."""
        return absolute_import(dotted, self.module, self.package)

    def global_join(self, name: str) -> Optional[Elsewhere]:
        where = self.globals.get(name)
        return Elsewhere(where, "global") if where else None

    def attribute_join(self, class_qualname: str, attribute: str) -> Optional[Elsewhere]:
        where = self.attributes.get((class_qualname, attribute))
        if where is not None:
            return Elsewhere(where, "attribute")
        where = self.by_name.get(attribute)
        return Elsewhere(where, "attribute", by_name=True) if where else None

    def parameter_join(self, function_qualname: str, index: int) -> Optional[Elsewhere]:
        where = self.parameters.get((function_qualname, index))
        return Elsewhere(where, "parameter") if where else None

    def target(self, dotted: str) -> Optional[Target]:
        """What the project's function `dotted` (`app.workers.consume`, `.workers.consume`)
        does, if it is known."""
        name = self.absolute(dotted)
        return self.targets.get(name) if name else None

    def acknowledgement(self, dotted: str, index: int) -> Optional[str]:
        """Whether the project's function `dotted` calls `task_done()` on its parameter
        `index`: "always" (on every path), "sometimes", or None (not known to)."""
        found = self.target(dotted)
        if found is None:
            return None
        facts = found[1]
        return "always" if index in facts[5] else "sometimes" if index in facts[6] else None

    def made_queue(self, dotted: str) -> Optional[MadeQueue]:
        """How the project's class attribute `dotted` (`app.client.Client.inbox`, or
        `..client.Client.inbox` as a relative import spells it) is built."""
        name = self.absolute(dotted)
        return self.made.get(name) if name else None

    def mentioned_targets(self, text: str) -> dict[str, Target]:
        """The targets whose function name is in `text`: all that a module could start."""
        return {name: target for name, target in self.targets.items() if name.rsplit(".", 1)[-1] in text}

    def mentioned_made(self, text: str) -> dict[str, MadeQueue]:
        """The queue attributes whose name and class name are in `text`: all a module could use."""
        return {
            name: made for name, made in self.made.items()
            if name.rsplit(".", 1)[-1] in text and name.rsplit(".", 2)[-2] in text
        }

    def may_need_rules(self, import_words: set[str], codes: frozenset[str] = ACK_RULES | MADE_RULES | _TARGET_RULES) -> bool:
        """False when a file whose import lines hold `import_words` (`import_words_of`) names
        no target or queue attribute of another module on them that could make one of
        `codes` needed: `rules_needed` then holds none of them, whatever the rest of its
        text. Most files that may get from a queue could need only the path rules, and
        only a helper that acknowledges makes those needed: the few such are all it looks at."""
        running, acknowledging = _rule_making(self.targets)
        groups = (
            (running if codes & _TARGET_RULES else {}, 2), (acknowledging if codes & ACK_RULES else {}, 2),
            (self.made if codes & MADE_RULES else {}, 3),
        )
        return any(entries and not import_words.isdisjoint(_grouped(entries, parts)) for entries, parts in groups)

    def rules_needed(self, text: str, import_words: Optional[frozenset[str]] = None) -> frozenset[str]:
        """Rules a module with this `text` must run though its own text (the rules' gates)
        does not show what they look for: it names a function of another module that is a
        consumer or producer and its module (QL203, QL204), or a class and its attribute built
        there as a queue (QL202, QL303), each as a word; or it gets from a queue and names a
        helper of another module that acknowledges (ACK_RULES). `import_words`: the text's
        `import_words_of`, when the caller has them."""
        # Another module's function (class) the analysis reaches only through an import that
        # names it or its module; its own module's, the file judges alone.
        if not (self.targets or self.made):
            return frozenset()
        own = self.module or None
        words = set(import_words_of(text) if import_words is None else import_words)
        imports = words, lambda: import_prefixes(text, self.module)
        imported = _imported_entries(self.targets, own, imports, text, 2).values()
        targets = any(_runs_rules(facts) for _, facts in imported)
        helpers = says_get(text) and any(acknowledges(facts) for _, facts in imported)
        made = bool(_imported_entries(self.made, own, imports, text, 3))
        return (
            (_TARGET_RULES if targets else frozenset()) | (MADE_RULES if made else frozenset())
            | (ACK_RULES if helpers else frozenset())
        )

    def made_classes(self, text: str) -> dict[str, str]:
        """The queue attributes of other modules that a module with this `text` may use, as
        the prefilter reads them: attribute name -> the dotted constructor that builds it."""
        if not self.made:
            return {}
        imports = import_words_of(text), lambda: import_prefixes(text, self.module)
        found = _imported_entries(self.made, self.module or None, imports, text, 3)
        return {name.rsplit(".", 1)[-1]: made[2] for name, made in found.items()}

    def narrowed(self, text: str) -> None:
        """Keep only the project-wide answers a module with this `text` could use: a target
        or queue attribute of another module that it imports (the analysis resolves them
        through imports only), a target only if it starts a worker, a queue attribute only
        if it calls get, put, join or task_done (what QL202 and QL303 look at), a helper
        that acknowledges also if it gets (a consumer loop may call it). Those of its
        own module come from its own bytes, which key its result already."""
        self.by_name = {name: where for name, where in self.by_name.items() if name in text}
        own = self.module or None
        imports = import_words_of(text), lambda: import_prefixes(text, self.module)
        starts = any(maker in text for maker in WORKER_MAKERS)
        consumes = says_get(text)
        imported = _imported_entries(self.targets, own, imports, text, 2) if self.targets and (starts or consumes) else {}
        self.targets = {name: found for name, found in imported.items() if starts or acknowledges(found[1])}
        calls = any(word in text for word in ("get", "put", "join", "task_done"))
        self.made = _imported_entries(self.made, own, imports, text, 3) if self.made and calls else {}

    def answers(self) -> bool:
        return bool(self.globals or self.attributes or self.parameters or self.by_name or self.targets or self.made)

    def digest(self) -> str:
        data = [
            self.module,
            self.root,
            self.package,
            sorted(self.globals.items()),
            sorted([list(k), v] for k, v in self.attributes.items()),
            sorted([list(k), v] for k, v in self.parameters.items()),
            sorted(self.by_name.items()),
            sorted([k, list(v[0:1]) + list(v[1])] for k, v in self.targets.items()),
            sorted([k, list(v)] for k, v in self.made.items()),
        ]
        return hashlib.sha256(json.dumps(data).encode("utf-8")).hexdigest()[:16]


def acknowledges(facts: TargetFacts) -> bool:
    """A function that calls `task_done()` on one of its parameters, on some path at least."""
    return bool(facts[5] or facts[6])


def _runs_rules(facts: TargetFacts) -> bool:
    """A target QL203 or QL204 judges: an endless consumer loop, or a producer that does not consume."""
    return bool(facts[1] or (facts[2] and not facts[4]))


# The last filtering `_rule_making` made: the targets it filtered (kept, so their id stays theirs), and the result.
_RULE_MAKING: list[tuple[dict[str, Target], tuple[dict[str, Target], dict[str, Target]]]] = []


def _rule_making(targets: dict[str, Target]) -> tuple[dict[str, Target], dict[str, Target]]:
    """The targets that can make `rules_needed` name a rule: those QL203/QL204 judge, and
    the helpers that acknowledge (which make the path rules needed). Every view of a run
    shares one dict of targets: filtered once."""
    if not (_RULE_MAKING and _RULE_MAKING[0][0] is targets):
        running = {name: target for name, target in targets.items() if _runs_rules(target[1])}
        acknowledging = {name: target for name, target in targets.items() if acknowledges(target[1])}
        _RULE_MAKING[:] = [(targets, (running, acknowledging))]
    return _RULE_MAKING[0][1]


def _words_in(words: list[str], text: str, known: dict[str, tuple[bool, Optional[bool]]]) -> bool:
    """Whether each of `words` is a word of `text` (not only part of a longer one): each in
    it at all first, then as a word. `known`: for each word asked of this text so far, the
    two answers (None: not asked yet); the names of a project's entries share their
    classes and modules."""
    for word in words:
        if word not in known:
            known[word] = (word in text, None)
        if not known[word][0]:
            return False
    for word in words:
        inside, alone = known[word]
        if alone is None:
            alone = re.search(r"(?<!\w)" + re.escape(word) + r"(?!\w)", text) is not None
            known[word] = (inside, alone)
        if not alone:
            return False
    return True


def import_words_of(text: str) -> set[str]:
    """The words of the lines that hold `import` (found by the word, not line by line)."""
    words: set[str] = set()
    at = text.find("import")
    while at >= 0:
        start, end = text.rfind("\n", 0, at) + 1, text.find("\n", at)
        line = text[start : end if end >= 0 else len(text)]
        words.update(re.findall(r"\w+", line.split("#", 1)[0]))
        at = text.find("import", end if end >= 0 else len(text))
    return words


# The groupings `_imported_entries` and `may_need_rules` made, by the id of their entries:
# the entries (kept, so their id stays theirs), and each import word -> the dotted names it
# can bring in. A few per run; cleared when a new run's entries would make it grow.
_GROUPED: dict[tuple[int, int], tuple[dict[str, Any], dict[str, list[str]]]] = {}


def _imported_entries(
    entries: dict[str, _Entry], own: Optional[str], imports: tuple[set[str], Callable[[], Optional[frozenset[str]]]],
    text: str, parts: int,
) -> dict[str, _Entry]:
    """Of `entries` (`app.workers.consume`: parts=2; `app.client.Client.inbox`: parts=3),
    those of another module than `own` whose function (class) or module is an imported
    word, that an import of the module reaches (qlint/project/imported.py), and whose last
    two names are words of `text`. `imports`: the words of its import lines, and what
    gives the prefixes its imports reach (read only for a file with a candidate). Every
    view of a run shares one dict of entries: it is grouped by import word once, not
    once per file."""
    words, read_prefixes = imports
    groups = _grouped(entries, parts)
    found = {}
    known: dict[str, tuple[bool, Optional[bool]]] = {}
    prefixes: list[Optional[frozenset[str]]] = []
    for word in words & groups.keys():
        for name in groups[word]:
            # `own` exactly: a package's own submodules (`shop.jobs.workers` of `shop.jobs`) are others.
            if (own is None or name.rsplit(".", parts - 1)[0] != own) and _words_in(name.split(".")[-2:], text, known):
                if not prefixes:
                    prefixes.append(read_prefixes())
                if reaches(name, prefixes[0]):
                    found[name] = entries[name]
    return found


def _grouped(entries: dict[str, Any], parts: int) -> dict[str, list[str]]:
    """Each import word -> the dotted names of `entries` it can bring in (see _imported_entries)."""
    key = (parts, id(entries))
    if key in _GROUPED and _GROUPED[key][0] is entries:
        return _GROUPED[key][1]
    if len(_GROUPED) >= 8:
        _GROUPED.clear()
    groups: dict[str, list[str]] = {}
    for name in entries:
        names = name.split(".")
        for word in set(names[-parts:-1] if parts == 3 else names[-parts:]):
            groups.setdefault(word, []).append(name)
    _GROUPED[key] = (entries, groups)
    return groups
