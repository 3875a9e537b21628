"""Remote targets: a worker's target that another module of the project defines.

`from app.workers import consume; Thread(target=consume, args=(q,))` (or
`executor.submit(w.consume, q)`) runs a function this module cannot see. The project's
index (qlint/project/targets.py) read it there; this module turns that reading and the
arguments handed at the call into a `RemoteTarget`. It is separate from threads.py
because it is the one place where a worker is judged from another file, not from the
module's own tree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import libcst as cst

from qlint.analysis.model import Scope
from qlint.analysis.queues import QueueFacts
from qlint.project.targets import TargetFacts
from qlint.project.view import ProjectView


@dataclass(frozen=True)
class RemoteTarget:
    """A worker's target defined in another module of the project, and the arguments it gets."""

    name: str  # `consume`
    shown: str  # its file, from the project root
    facts: TargetFacts
    args: tuple[cst.BaseExpression, ...]  # positional arguments, in parameter order

    @property
    def endless_line(self) -> int:
        return self.facts[1]

    def handed(self, indices: tuple[int, ...]) -> list[cst.BaseExpression]:
        return [self.args[i] for i in indices if i < len(self.args)]


def remote_target(
    project: Optional[ProjectView],
    queues: QueueFacts,
    scope: Scope,
    function: cst.BaseExpression,
    args: list[cst.BaseExpression],
) -> Optional[RemoteTarget]:
    """The project's answer for a target imported from another module, if any."""
    if project is None:
        return None
    dotted = queues.dotted(scope, function)
    if not dotted:
        return None
    target = project.target(dotted)
    if target is None:
        return None
    return RemoteTarget(dotted.rsplit(".", 1)[-1], target[0], target[1], tuple(args))


def args_tuple(call: cst.Call) -> list[cst.BaseExpression]:
    """The elements of `args=(q, ...)` of a Thread or Process, up to a starred one."""
    given = next((a.value for a in call.args if keyword(a) == "args"), None)
    if not isinstance(given, (cst.Tuple, cst.List)):
        return []
    found = []
    for element in given.elements:
        if isinstance(element, cst.StarredElement):
            break
        found.append(element.value)
    return found


def keyword(arg: cst.Arg) -> Optional[str]:
    return arg.keyword.value if arg.keyword is not None else None
