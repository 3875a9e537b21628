"""Which fields of CPython's syntax nodes can hold code. The walks of CPython's tree, the
prefilter's (qlint/prefilter/summary.py) and the index's (qlint/project/scopes.py), look
only there: identifiers, numbers, import names, a constant's value and the context and
operator singletons are never code."""

from __future__ import annotations

import ast

NOT_CODE = frozenset(
    {"ctx", "op", "ops", "id", "attr", "arg", "asname", "name", "names", "module", "level", "conversion",
     "is_async", "kind", "kwd_attrs", "rest", "simple", "tag", "type_comment", "type_ignores", "n", "s"}
)
# A node class -> its fields that can hold code; hot walks read it directly, and fill it
# through code_fields.
CODE_FIELDS: dict[type, tuple[str, ...]] = {ast.Constant: (), ast.MatchSingleton: ()}


def code_fields(kind: type) -> tuple[str, ...]:
    fields = CODE_FIELDS.get(kind)
    if fields is None:
        fields = CODE_FIELDS[kind] = tuple(name for name in getattr(kind, "_fields", ()) if name not in NOT_CODE)
    return fields
