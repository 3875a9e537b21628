"""Who waits on a queue's unfinished-task count: the join() a skipped task_done() would hang.

`task_done()` matters only to a `join()`. A queue is waited on when:
- `join()` is called on it anywhere in the module (also through a tuple or list of
  queues joined in a loop, `for q in (inbox, outbox): q.join()`), or `q.join` is handed
  on uncalled;
- a join written by hand reads its count: `q.all_tasks_done`, `q.unfinished_tasks`,
  asyncio's `q._unfinished_tasks` or `q._finished`;
- it is a `JoinableQueue`, whose only purpose is `join()`;
- it was not made in this module (a parameter, an attribute set from one, an import):
  the caller that made it may join it;
- it was made here and handed out: returned, yielded, stored in a container or on
  another object, or passed to code qlint cannot see;
- another module of the project joins it (qlint/project/): through a receiver whose
  class is this one (`client._audio_queue.join()` with `client: VonageClient`), or of
  unknown class with the same attribute name; as a global of this module
  (`workers.jobs.join()`); or a caller elsewhere passes in a queue it joins
  (`Thread(target=consume, args=(q,))`, then `q.join()`). The message names that file
  and line.

A queue made here (a local, a `self.x` attribute, a module global) that none of these
reach is waited on by nobody: a skipped or early `task_done()` changes nothing. That
holds for a parameter whose every caller is in view and passes such a queue: the
module shows all there is, and nothing in it waits.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Optional

import libcst as cst

from qlint.analysis.model import CallSite, Scope
from qlint.analysis.names import attribute_path
from qlint.analysis.queues import QueueFacts, QueueGroup
from qlint.analysis.raising import is_logging_call
from qlint.analysis.scopes import resolve_class
from qlint.analysis.walk import ModuleRecord
from qlint.project.view import Location, ProjectView

JOIN, HAND_WRITTEN, JOINABLE, CALLER, HANDED_OUT = "join", "hand-written", "joinable", "caller", "handed-out"
ELSEWHERE = "elsewhere"
WAIT_STEP = "and this waits for the unfinished-task count to reach zero"


@dataclass(frozen=True)
class Wait:
    """Why a queue's count is waited on; `node` is the wait itself when it is in view."""

    how: str
    node: Optional[cst.CSTNode] = None
    # The join in another file of the project (ELSEWHERE): (its path, line, col), and the
    # path as the message names it (from the project's root).
    where: Optional[Location] = None
    shown: str = ""

    def phrase(self) -> str:
        """The waiter, for a message: `{0}` stands for the line of `node`."""
        if self.how == JOIN:
            return "the join() at line {0}"
        if self.how == ELSEWHERE and self.where is not None:
            return f"the join() in {self.shown or self.where[0]}:{self.where[1]}"
        if self.how == HAND_WRITTEN:
            return "the wait for unfinished tasks at line {0}"
        if self.how == JOINABLE:
            return "a join() of this JoinableQueue"
        if self.how == HANDED_OUT:
            return "a join() by the code the queue is handed to"
        return "a caller's join()"

    def step(self) -> Optional[tuple[cst.CSTNode, str]]:
        """The wait as a step of a finding's path, when it is in view."""
        if self.node is None:
            return None
        return (self.node, WAIT_STEP)


class QueueWaits:
    """The wait of every queue group of a module, found once."""

    def __init__(self, record: ModuleRecord, queues: QueueFacts, project: Optional[ProjectView] = None) -> None:
        self.record = record
        self.queues = queues
        self.project = project
        self._first: dict[int, Wait] = {}  # id(group) -> the first join or hand-written wait
        self._memo: dict[int, Optional[Wait]] = {}
        self._found = False  # joins are looked for on the first question: most files ask none

    def of(self, group: QueueGroup) -> Optional[Wait]:
        """The wait on `group`'s count, or None when nothing can wait on it."""
        if not self._found:
            self._found = True
            self._find_joins()
            self._find_families()
        key = id(group)
        if key not in self._memo:
            self._memo[key] = self._judge(group)
        return self._memo[key]

    @staticmethod
    def local_to(group: QueueGroup, scope: Scope) -> bool:
        """The queue lives and dies in one call of `scope`: it is made there, and every name
        of it is a local (not a parameter) of that function. An exception that ends the
        function ends every wait on it too."""
        return (
            scope.kind == "function"
            and group.constructed
            and all(
                node_id == id(scope.node) and "." not in path and path not in scope.params
                for node_id, path in group.members
            )
        )

    def _find_families(self) -> None:
        """Attribute names of the waited-on queues, and of the queues classes here make."""
        self._family_waits: dict[str, Wait] = {}
        self._made_attributes: set[str] = set()
        for group in self.queues.groups.values():
            wait = self._first.get(id(group))
            for name in sorted(_attribute_names(group)):
                if wait is not None:
                    self._family_waits.setdefault(name, wait)
            if group.constructed:
                self._made_attributes |= {path[5:] for _, path in group.members if path.startswith("self.")}

    def _find_joins(self) -> None:
        """Joins and hand-written waits, the first in source order per group."""
        for site in self.record.calls:
            func = site.node.func
            if not (isinstance(func, cst.Attribute) and func.attr.value == "join"):
                continue
            for group in self._receivers(site.scope, func.value, site.loops):
                self._first.setdefault(id(group), Wait(JOIN, site.node))
        for scope, reference in self.record.wait_references:
            how = JOIN if reference.attr.value == "join" else HAND_WRITTEN
            referenced = self.queues.group(scope, reference.value)
            if referenced is not None:
                self._first.setdefault(id(referenced), Wait(how, reference))

    def _receivers(self, scope: Scope, receiver: cst.BaseExpression, loops: tuple[cst.CSTNode, ...]) -> list[QueueGroup]:
        """The group `receiver` names, or each group of `for receiver in (a, b)` around it."""
        group = self.queues.group(scope, receiver)
        found = [group] if group is not None else []
        if isinstance(receiver, cst.Name):
            for loop in loops:
                if (
                    isinstance(loop, cst.For)
                    and isinstance(loop.target, cst.Name)
                    and loop.target.value == receiver.value
                    and isinstance(loop.iter, (cst.Tuple, cst.List, cst.Set))
                ):
                    for element in loop.iter.elements:
                        member = self.queues.group(scope, element.value)
                        if member is not None:
                            found.append(member)
        return found

    def _judge(self, group: QueueGroup) -> Optional[Wait]:
        first = self._first.get(id(group))
        if first is not None:
            return first
        # `call.stt_queue` is whatever a class here keeps as `self.stt_queue`: an attribute
        # name stands for the queues held under that name across the module.
        names = _attribute_names(group)
        for name in sorted(names):
            if name in self._family_waits:
                return self._family_waits[name]
        elsewhere = self._elsewhere(group) if self.project is not None else None
        if elsewhere is not None:
            return elsewhere
        if group.made_joinable:
            return Wait(JOINABLE)  # made to be joined, though the join is not in view
        if not group.constructed and not (names and names <= self._made_attributes):
            return Wait(CALLER)
        if self._handed_out(group):
            return Wait(HANDED_OUT)
        return None

    def _elsewhere(self, group: QueueGroup) -> Optional[Wait]:
        """The first join of `group` in another module of the project, by its location."""
        assert self.project is not None
        found = []
        for node_id, path in group.members:
            scope = self.record.scope_of_node.get(node_id)
            if scope is None:
                continue
            answer = None
            if scope.kind == "module" and "." not in path:
                answer = self.project.global_join(path)
            elif scope.kind == "class" and path.count(".") == 1 and path.startswith("self."):
                answer = self.project.attribute_join(qualified_name(scope), path[5:])
            elif scope.kind == "function" and path in scope.params:
                answer = self.project.parameter_join(qualified_name(scope), scope.params.index(path))
            if answer is not None:
                found.append(answer.where)
        if not found:
            return None
        shown, line, col = min(found)
        return Wait(ELSEWHERE, where=(os.path.join(self.project.root, shown), line, col), shown=shown)

    def _handed_out(self, group: QueueGroup) -> bool:
        queues = self.queues
        for site in self.record.calls:
            passed = queues.escapes_at.get(id(site.node))
            if passed and group in passed and not self._keeps_in_view(site):
                return True
        if any(queues.group(scope, value) is group for scope, value in self.record.handed_back):
            return True
        for assignment in self.record.assignments:
            value = assignment.value
            if value is None or attribute_path(assignment.target) is not None:
                continue  # a name or attribute target is a member of some group already
            if queues.group(assignment.scope, value) is group:
                return True  # `registry[key] = q`
        return any(self._on_another_object(ident) for ident in group.members)

    @staticmethod
    def _keeps_in_view(site: CallSite) -> bool:
        """A logging call, or a class of this module (a dataclass holding the queue):
        neither joins what it is given."""
        return is_logging_call(site.node) or resolve_class(site.scope, site.node.func) is not None

    def _on_another_object(self, ident: tuple[int, str]) -> bool:
        """`worker.queue = q`, where `worker` is a parameter: the caller's object holds it."""
        node_id, path = ident
        root, _, rest = path.partition(".")
        if not rest or root == "self":
            return False
        scope = self.record.scope_of_node.get(node_id)
        if scope is None or scope.kind not in ("function", "lambda") or root not in scope.params:
            return False
        return self.queues.receives(ident)  # stored there, not only read from there


def qualified_name(scope: Scope) -> str:
    """`Client.run`, `main.<locals>.worker`: the name the project summaries use for a def."""
    parts = [scope.name]
    parent = scope.parent
    while parent is not None and parent.kind != "module":
        parts.append(parent.name + ".<locals>" if parent.kind == "function" else parent.name)
        parent = parent.parent
    return ".".join(reversed(parts))


def _attribute_names(group: QueueGroup) -> set[str]:
    """`stt_queue` for members `self.stt_queue` or `call.stt_queue`."""
    return {path.rsplit(".", 1)[1] for _, path in group.members if "." in path}
