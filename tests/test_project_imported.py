"""What a module's imports can reach, read from its text (qlint/project/imported.py)."""

from __future__ import annotations

import pytest

from qlint.project.imported import import_prefixes, reaches

CASES = [
    ("from a.b import c\n", "m", {"a.b.c"}),
    ("import a.b\n", "m", {"a"}),
    ("import a.b as m, x\n", "m", {"a.b", "x"}),
    ("from a import *\n", "m", {"a"}),
    ("from a import (\n    b as bb,  # the first\n    c,\n)\n", "m", {"a.b", "a.c"}),
    ("from a import b, \\\n    c\n", "m", {"a.b", "a.c"}),
    ("if x:\n    from a import b; import c\n", "m", {"a.b", "c"}),
    ("def f():\n    yield from g()\n    raise E from error\n", "m", set()),
    ("from . import x\n", "pkg.sub.mod", {"pkg.sub.x", "pkg.sub.mod.x"}),
    ("from ..y import f\n", "pkg.sub.mod", {"pkg.y.f", "pkg.sub.y.f"}),
    ("from .workers import consume\n", "app", {"app.workers.consume", "workers.consume"}),
    ("from a \\\n    import b\n", "m", {"a.b"}),
    ("x = 1; import y\nif x: import z\n", "m", {"y", "z"}),
    ('def f():\n    """\n    >>> import doc\n    """\n    importlib.import_module("q")  # import w\n', "m", set()),
]


@pytest.mark.parametrize(("text", "module", "expected"), CASES)
def test_import_prefixes(text: str, module: str, expected: set[str]) -> None:
    assert import_prefixes(text, module) == expected


def test_a_relative_import_of_a_module_of_unknown_name_reaches_anything() -> None:
    assert import_prefixes("from . import x\n", "") is None
    assert reaches("any.thing", None)


def test_a_name_counts_only_under_an_import_that_reaches_it() -> None:
    # multiprocessing/managers.py: `from . import connection`, then `connection.Client`.
    prefixes = import_prefixes("from . import connection\n", "multiprocessing.managers")
    assert reaches("multiprocessing.connection.Client", prefixes)
    assert not reaches("multiprocessing.dummy.connection.Client", prefixes)
    assert reaches("app.workers.consume", frozenset({"app"}))
    assert not reaches("application.consume", frozenset({"app"}))
