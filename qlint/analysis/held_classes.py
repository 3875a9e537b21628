"""Which class a name holds, as the module says it: `client = Client(...)`, `client:
Client` (an annotated name or parameter). The class is its dotted name through the
module's imports (`app.client.Client`, or `..client.Client` as a relative import spells
it: the project's view resolves it); a name said to hold two classes holds none known.
analysis/queues.py asks it for the attributes another module builds as queues."""

from __future__ import annotations

from typing import Callable, Optional

import libcst as cst

from qlint.analysis.model import Scope
from qlint.analysis.names import annotation_expression
from qlint.analysis.queue_groups import Identity
from qlint.analysis.record import ModuleRecord

IdentityOf = Callable[[Scope, cst.BaseExpression], Optional[Identity]]
DottedOf = Callable[[Scope, cst.BaseExpression], Optional[str]]


def held_classes(record: ModuleRecord, identity: IdentityOf, dotted: DottedOf) -> dict[Identity, Optional[str]]:
    """Identity of a name -> the dotted class it holds (None: two classes, not known)."""
    classes: dict[Identity, Optional[str]] = {}

    def holds(ident: Optional[Identity], made: Optional[str]) -> None:
        if ident is not None and made is not None:
            classes[ident] = made if classes.get(ident, made) == made else None  # two classes: unknown

    for assignment in record.assignments:
        scope, value = assignment.scope, assignment.value
        if not isinstance(assignment.target, cst.Name):
            continue
        if isinstance(value, cst.Call):
            holds(identity(scope, assignment.target), dotted(scope, value.func))
        if assignment.annotation is not None:
            annotated = annotation_expression(assignment.annotation)
            if annotated is not None:
                holds(identity(scope, assignment.target), dotted(scope, annotated))
    for scope in record.scope_of_node.values():
        if scope.kind != "function" or not isinstance(scope.node, cst.FunctionDef):
            continue
        parameters = scope.node.params
        for param in [*parameters.posonly_params, *parameters.params, *parameters.kwonly_params]:
            if param.annotation is not None:
                annotated = annotation_expression(param.annotation.annotation)
                if annotated is not None:
                    holds(identity(scope, param.name), dotted(scope, annotated))
    return classes
