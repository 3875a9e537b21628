"""What a rule is: a code, a name, a one-line message, its documentation, and a check."""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from types import ModuleType
from typing import Callable, Iterable

import libcst as cst

from qlint.analysis.facts import ModuleFacts

Check = Callable[[ModuleFacts], Iterable[cst.CSTNode]]


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    message: str
    doc: str
    check: Check


def rule_from_module(module: ModuleType) -> Rule:
    """A rule module holds CODE, NAME, MESSAGE, a docstring and `check(facts)`."""
    return Rule(
        code=module.CODE,
        name=module.NAME,
        message=module.MESSAGE,
        doc=inspect.cleandoc(module.__doc__ or ""),
        check=module.check,
    )
