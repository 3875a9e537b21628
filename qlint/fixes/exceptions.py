"""QL304's and QL305's fix: name the exception the queue really raises, importing it as the file imports.

The new name follows the file's habits: an existing `from asyncio import QueueEmpty` (any
alias) is used as is; else an existing `import asyncio` (any alias) gives
`asyncio.QueueEmpty`; else the import is added in the style of the name being replaced
(`from queue import Empty` style for a bare name, `import queue` for a dotted one).
"""

from __future__ import annotations

from typing import Optional, Union

import libcst as cst

from qlint.analysis.model import Scope
from qlint.fixes.blocks import leading_lines
from qlint.fixes.model import SAFE, Fix, Replacement


def rename_caught(
    module: cst.Module,
    scope: Scope,
    handler: cst.ExceptHandler,
    right: dict[int, str],
    rebound: set[str],
    bare: frozenset[int] = frozenset(),
) -> Optional[Fix]:
    """Replace each caught expression in `right` (id -> the dotted name of the class to
    catch instead, `queue.Empty`) with that class.

    A new import takes the style of the expression replaced: `from package import name`
    for a bare name, or for an expression whose id is in `bare` (`Queue.Empty` after `from
    queue import Queue`); else `import package`. `scope` is where the handler is; a
    module-level name it would use must not be shadowed there, nor be in `rebound`
    (declared `global` by some function, which may reassign it).
    """
    module_scope, shadowing = scope, set(rebound)
    while module_scope.parent is not None:
        shadowing |= _bound_in(module_scope)
        module_scope = module_scope.parent
    changes: list[tuple[cst.CSTNode, Replacement]] = []
    import_change: Optional[tuple[cst.CSTNode, Replacement]] = None
    names = []
    for expression in caught_expressions(handler):
        dotted = right.get(id(expression))
        if dotted is None:
            continue
        reference = _existing_reference(module_scope, dotted)
        if reference is None:
            if import_change is not None:
                return None  # two new imports: one per pass, the next pass finds the first
            in_style = isinstance(expression, cst.Name) or id(expression) in bare
            reference, import_change = _new_import(module, module_scope, dotted, bare=in_style)
            if reference is None:
                return None
        if _root(reference) in shadowing:
            return None
        changes.append((expression, reference.with_changes(lpar=expression.lpar, rpar=expression.rpar)))
        names.append(dotted)
    if not changes:
        return None
    if import_change is not None:
        changes.append(import_change)
    return Fix(SAFE, "Catch " + ", ".join(names), tuple(changes))


def exception_reference(
    module: cst.Module, scope: Scope, dotted: str, rebound: set[str]
) -> Optional[tuple[Union[cst.Name, cst.Attribute], Optional[tuple[cst.CSTNode, Replacement]]]]:
    """An expression for the exception class `dotted` where `scope` is, and the import it
    needs (None when the module already has one); None if the name it would use is taken
    there or in `rebound`. A new import is `import queue` style."""
    module_scope, shadowing = scope, set(rebound)
    while module_scope.parent is not None:
        shadowing |= _bound_in(module_scope)
        module_scope = module_scope.parent
    change = None
    reference = _existing_reference(module_scope, dotted)
    if reference is None:
        reference, change = _new_import(module, module_scope, dotted, bare=False)
        if reference is None:
            return None
    if _root(reference) in shadowing:
        return None
    return reference, change


def _bound_in(scope: Scope) -> set[str]:
    return set(scope.params) | scope.assigned | set(scope.imported) | set(scope.functions) | set(scope.classes)


def _root(reference: Union[cst.Name, cst.Attribute]) -> str:
    node: cst.BaseExpression = reference
    while isinstance(node, cst.Attribute):
        node = node.value
    return node.value if isinstance(node, cst.Name) else ""  # a reference is a dotted name: a Name


def caught_expressions(handler: cst.ExceptHandler) -> list[cst.BaseExpression]:
    """The expressions an `except` clause names: one, the elements of a tuple, or none."""
    if handler.type is None:
        return []
    if isinstance(handler.type, cst.Tuple):
        return [element.value for element in handler.type.elements]
    return [handler.type]


def _reference(dotted: str) -> Union[cst.Name, cst.Attribute]:
    parts = dotted.split(".")
    expression: Union[cst.Name, cst.Attribute] = cst.Name(parts[0])
    for part in parts[1:]:
        expression = cst.Attribute(value=expression, attr=cst.Name(part))
    return expression


def _existing_reference(scope: Scope, dotted: str) -> Optional[Union[cst.Name, cst.Attribute]]:
    """A name the module already binds to the class, or to its module."""
    package, _, name = dotted.rpartition(".")
    for local, target in sorted(scope.imported.items()):
        if target == dotted and local not in scope.assigned:
            return cst.Name(local)
    for local, target in sorted(scope.imported.items()):
        if target == package and local not in scope.assigned:
            return _reference(f"{local}.{name}")
    root, _, rest = package.partition(".")
    if rest and scope.imported.get(root) == root and root not in scope.assigned:
        # `import tornado.queues` binds `tornado`; the class's module is loaded, since the
        # queue it raises for was made from it.
        return _reference(dotted)
    return None


def _new_import(
    module: cst.Module, scope: Scope, dotted: str, *, bare: bool
) -> tuple[Optional[Union[cst.Name, cst.Attribute]], Optional[tuple[cst.CSTNode, Replacement]]]:
    """The reference and the module change that imports it, or (None, None) if a name is taken."""
    package, _, name = dotted.rpartition(".")
    taken = _bound_in(scope)
    if bare and name not in taken:
        extended = _extend_from_import(module, package, name)
        if extended is not None:
            return cst.Name(name), extended
        statement = cst.SimpleStatementLine(body=[cst.ImportFrom(module=_reference(package), names=[cst.ImportAlias(cst.Name(name))])])
        return cst.Name(name), _insert_import(module, statement)
    if package.split(".")[0] in taken:
        return None, None
    statement = cst.SimpleStatementLine(body=[cst.Import(names=[cst.ImportAlias(_reference(package))])])
    return _reference(dotted), _insert_import(module, statement)


def _top_imports(module: cst.Module) -> list[cst.SimpleStatementLine]:
    """The module's import lines, but the `from __future__` ones: nothing may go above those."""
    return [
        statement for statement in module.body
        if isinstance(statement, cst.SimpleStatementLine)
        and all(isinstance(small, (cst.Import, cst.ImportFrom)) for small in statement.body)
        and not _is_future(statement)
    ]


def _is_future(statement: cst.BaseStatement) -> bool:
    """A line with a `from __future__ import ...` (which must come before any other statement)."""
    return isinstance(statement, cst.SimpleStatementLine) and any(
        isinstance(small, cst.ImportFrom) and not small.relative and isinstance(small.module, cst.Name) and small.module.value == "__future__"
        for small in statement.body
    )


def _extend_from_import(module: cst.Module, package: str, name: str) -> Optional[tuple[cst.CSTNode, Replacement]]:
    """`from asyncio import Queue` -> `from asyncio import Queue, QueueEmpty` (one line, no parentheses)."""
    for statement in _top_imports(module):
        for small in statement.body:
            if (
                isinstance(small, cst.ImportFrom) and not small.relative and small.lpar is None
                and isinstance(small.names, (list, tuple)) and small.module is not None
                and module.code_for_node(small.module) == package
            ):
                names = list(small.names)
                names[-1] = names[-1].with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
                names.append(cst.ImportAlias(cst.Name(name)))
                return small, small.with_changes(names=names)
    return None


def _insert_import(module: cst.Module, statement: cst.SimpleStatementLine) -> tuple[cst.CSTNode, Replacement]:
    """Where isort would roughly put it: `import x` among the plain imports in name order,
    `from x import y` after the last import; else right after the `from __future__` imports,
    or before the first statement after the docstring.

    Never above the docstring or a `from __future__` import: the docstring would become a
    plain string, and a future import below another statement does not compile. Those
    stand at the top of the module, and every anchor chosen here comes after them."""
    imports = _top_imports(module)
    plain = [s for s in imports if isinstance(s.body[0], cst.Import)]
    if isinstance(statement.body[0], cst.Import):
        name = _first_imported(module, statement)
        later = [s for s in plain if _first_imported(module, s) > name]
        if later:
            return _before(later[0], statement)
        if plain:
            return plain[-1], cst.FlattenSentinel([plain[-1], statement])
        if imports:
            return _before(imports[0], statement)
    elif imports:
        return imports[-1], cst.FlattenSentinel([imports[-1], statement])
    body = list(module.body)
    futures = [s for s in body if _is_future(s)]
    if futures:
        return futures[-1], cst.FlattenSentinel([futures[-1], statement])
    first = 1 if body and _is_docstring(body[0]) else 0
    if first >= len(body):
        return body[-1], cst.FlattenSentinel([body[-1], statement])
    return _before(body[first], statement)


def _first_imported(module: cst.Module, statement: cst.SimpleStatementLine) -> str:
    """`a.b` of `import a.b, c` ("" if the statement is no `import`)."""
    first = statement.body[0]
    return module.code_for_node(first.names[0].name) if isinstance(first, cst.Import) else ""


def _before(anchor: cst.BaseStatement, statement: cst.SimpleStatementLine) -> tuple[cst.CSTNode, Replacement]:
    """The new statement takes the lines above the anchor (a blank line after the docstring)."""
    moved = statement.with_changes(leading_lines=leading_lines(anchor))
    return anchor, cst.FlattenSentinel([moved, anchor.with_changes(leading_lines=[])])


def _is_docstring(statement: cst.BaseStatement) -> bool:
    return (
        isinstance(statement, cst.SimpleStatementLine)
        and isinstance(statement.body[0], cst.Expr)
        and isinstance(statement.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
    )
