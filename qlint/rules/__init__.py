"""Every rule qlint has, in code order: each `qlNNN_*.py` module of this package is one."""

from __future__ import annotations

import importlib
import pkgutil

from qlint.rules.base import Rule, rule_from_module

RULES: tuple[Rule, ...] = tuple(
    rule_from_module(importlib.import_module(f"{__name__}.{name}"))
    for name in sorted(m.name for m in pkgutil.iter_modules(__path__) if m.name.startswith("ql"))
)

RULES_BY_CODE: dict[str, Rule] = {rule.code: rule for rule in RULES}

# Not a rule: a file qlint could not parse.
SYNTAX_ERROR = "QL000"
