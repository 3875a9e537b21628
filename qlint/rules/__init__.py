"""Every rule qlint has, in code order: each `qlNNN_*.py` module of this package is one.

The codes come from the module names alone, so choosing what to report (and a run whose
every file is cached) never imports the rules, nor LibCST with them; `RULES` loads them
on first use.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

_MODULES = tuple(sorted(m.name for m in pkgutil.iter_modules(__path__) if m.name.startswith("ql")))

CODES: tuple[str, ...] = tuple(name[:5].upper() for name in _MODULES)

# Not a rule: a file qlint could not parse.
SYNTAX_ERROR = "QL000"


def __getattr__(name: str) -> Any:
    if name not in ("RULES", "RULES_BY_CODE"):
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from qlint.rules.base import rule_from_module

    rules = tuple(rule_from_module(importlib.import_module(f"{__name__}.{module}")) for module in _MODULES)
    globals().update(RULES=rules, RULES_BY_CODE={rule.code: rule for rule in rules})
    return globals()[name]
