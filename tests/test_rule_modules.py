"""A rule is one module, named by its code, and everything that lists rules agrees with
the modules: adding a rule touches the rule module, its fixtures and the generated docs."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

from qlint import rules
from qlint.rules import CODES, RULES

ROOT = Path(__file__).resolve().parent.parent
MODULES = sorted(path.stem for path in (ROOT / "qlint" / "rules").glob("ql[0-9]*.py"))
_TABLE_ROW = re.compile(r"^\| (QL\d{3}) \| ([a-z0-9-]+) \|", re.MULTILINE)


@pytest.mark.parametrize("name", MODULES)
def test_a_rule_modules_file_name_is_its_code(name: str) -> None:
    module = importlib.import_module(f"qlint.rules.{name}")
    assert re.fullmatch(r"ql\d{3}_[a-z0-9_]+", name), f"{name}.py: a rule module is named qlNNN_<rule name>"
    assert name[:5].upper() == module.CODE, f"{name}.py holds {module.CODE}"
    assert name[6:] == module.NAME.replace("-", "_"), f"{name}.py holds the rule {module.NAME}"


@pytest.mark.parametrize("name", MODULES)
def test_a_rule_module_holds_the_whole_rule(name: str) -> None:
    """Its documentation, its check, and its two judgements before the parse: on the text
    (`gate`) and on CPython's tree (`possible`, which the prefilter asks)."""
    module = importlib.import_module(f"qlint.rules.{name}")
    assert module.__doc__ and module.MESSAGE
    for part in ("check", "gate", "possible"):
        assert callable(getattr(module, part, None)), f"{name}.py has no {part}()"


def test_the_rules_are_the_modules_in_code_order() -> None:
    assert [rule.code for rule in RULES] == list(CODES) == [name[:5].upper() for name in MODULES]
    assert rules.RULES_BY_CODE.keys() == set(CODES)


def test_the_readme_table_lists_every_rule() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    assert _TABLE_ROW.findall(readme) == [(rule.code, rule.name) for rule in RULES]
