"""Identities linked by the flows of one object between them, and a queue group: the
identities of one queue object with the evidence about it (README.md, "What counts as a
queue"). analysis/queues.py finds the flows and builds the groups."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from qlint.analysis.model import MethodCallSite
from qlint.registry import QUEUE_ONLY_METHODS, QueueClass

Identity = tuple[int, str]  # (id of the owning scope node, access path)


class IdentityLinks:
    """Union-find over identities (a group is a set linked by any flow), and the flows'
    directed edges (where an object can come from)."""

    def __init__(self) -> None:
        self._parent: dict[Identity, Identity] = {}
        self.names: dict[Identity, str] = {}  # an identity's last name (`q` of `self.q`)
        self._sources: dict[Identity, set[Identity]] = {}  # target -> identities that flow into it

    def known(self, ident: Identity, name: str) -> Identity:
        if ident not in self._parent:
            self._parent[ident] = ident
            self.names[ident] = name
        return ident

    def every(self) -> list[Identity]:
        """Every identity seen, in the order first seen."""
        return list(self._parent)

    def find(self, ident: Identity) -> Identity:
        parent = self._parent[ident]
        while parent != ident:
            self._parent[ident] = self._parent[parent]
            ident, parent = parent, self._parent[parent]
        return ident

    def link(self, source: Optional[Identity], target: Optional[Identity]) -> None:
        """The object in `source` flows into `target`: one group, and a directed edge."""
        if source is None or target is None:
            return
        self._sources.setdefault(target, set()).add(source)
        ra, rb = self.find(source), self.find(target)
        if ra != rb:
            self._parent[ra] = rb

    def receives(self, ident: Identity) -> bool:
        return bool(self._sources.get(ident))

    def origins(self, start: Identity) -> set[Identity]:
        """`start` and every identity whose object can flow into it, following flows one way."""
        seen, stack = {start}, [start]
        while stack:
            for source in self._sources.get(stack.pop(), ()):
                if source not in seen:
                    seen.add(source)
                    stack.append(source)
        return seen


@dataclass(eq=False)
class QueueGroup:
    """Linked identities that hold one queue object, and the evidence about it."""

    members: list[Identity] = field(default_factory=list)
    rows: set[str] = field(default_factory=set)  # registry names of the classes that made it
    table: dict[str, QueueClass] = field(default_factory=dict)
    methods: dict[str, list[MethodCallSite]] = field(default_factory=dict)
    name_evidence: bool = False
    known_not_queue: bool = False
    get_catches_empty: bool = False
    task_done_referenced: bool = False  # `q.task_done` handed on uncalled (a callback)
    bad_get_arguments: bool = False  # `.get(key)`: a mapping, not a queue
    constructed: bool = False  # a queue class is called in this module to make it
    made_joinable: bool = False  # made by a `JoinableQueue` class: made to be joined
    bounded: bool = False  # made with a maxsize: put() can block or raise Full

    @property
    def kinds(self) -> set[str]:
        """The families of the classes that made it (registry.THREAD, ASYNCIO, ...)."""
        return {self.table[row].family for row in self.rows}

    def called(self, method: str) -> bool:
        return bool(self.methods.get(method))

    @property
    def is_queue(self) -> bool:
        """Every kind of evidence (README.md, "What counts as a queue"): enough for the protocol rules."""
        if self.kinds:
            return True
        if self.known_not_queue or self.bad_get_arguments:
            return False
        if any(self.called(m) for m in QUEUE_ONLY_METHODS) or self.get_catches_empty:
            return True
        return self.name_evidence and (self.called("get") or self.called("join"))

    @property
    def is_joinable(self) -> bool:
        """A queue with `task_done`/`join`: known joinable kinds, or unknown but a queue."""
        if self.rows:
            return all(self.table[row].joinable for row in self.rows)
        return self.is_queue
