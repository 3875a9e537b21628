"""The one walk the index's readers share (qlint/project/scopes.py)."""

from __future__ import annotations

import ast
import sys
import textwrap
from pathlib import Path

import pytest

from qlint.project.attributes import queue_attributes
from qlint.project.scopes import descendants, scope_nodes, within
from qlint.project.summary import summarize
from qlint.project.targets import targets_of

SOURCE = textwrap.dedent(
    """\
    import functools

    def outer(func, q):
        @functools.wraps(func)
        def inner(item=q.get()):
            q.put(item)
            return lambda: q.task_done()
        return inner

    class Box(Base, metaclass=Meta):
        size = len(q)
    """
)


def _names(nodes: list[ast.AST]) -> set[str]:
    """What the nodes show: calls by their callee's text, other nodes by their class."""
    return {ast.unparse(n.func) if isinstance(n, ast.Call) else type(n).__name__ for n in nodes}


def test_each_scope_holds_its_own_nodes_and_the_heads_of_the_scopes_it_holds() -> None:
    tree = ast.parse(SOURCE)
    scopes = scope_nodes(tree)
    outer, box = tree.body[1], tree.body[2]
    assert isinstance(outer, ast.FunctionDef) and isinstance(box, ast.ClassDef)
    inner = outer.body[0]
    assert isinstance(inner, ast.FunctionDef)
    returned = inner.body[1]
    assert isinstance(returned, ast.Return) and isinstance(returned.value, ast.Lambda)
    # The decorator and the default of `inner` run in `outer`; its body runs in `inner`.
    assert {"functools.wraps", "q.get", "FunctionDef"} <= _names(scopes[id(outer)])
    assert {"q.put", "Lambda"} <= _names(scopes[id(inner)])
    assert "q.get" not in _names(scopes[id(inner)]) and "functools.wraps" not in _names(scopes[id(inner)])
    assert _names(scopes[id(returned.value)]) == {"q.task_done", "Attribute", "Name"}
    assert "q.task_done" not in _names(scopes[id(inner)])
    # A class's bases and keywords run around it, its body in it.
    assert {"Name", "keyword", "ClassDef"} <= _names(scopes[id(tree)])
    assert "len" in _names(scopes[id(box)]) and "len" not in _names(scopes[id(tree)])
    # Every node of a scope is below it, once.
    everything = [n for own in scopes.values() for n in own]
    assert len(everything) == len({id(n) for n in everything})
    assert not any(isinstance(n, (ast.Load, ast.Store, ast.operator)) for n in everything)


def test_within_reaches_nested_scopes_and_descendants_does_not() -> None:
    tree = ast.parse(SOURCE)
    scopes = scope_nodes(tree)
    outer = tree.body[1]
    assert isinstance(outer, ast.FunctionDef)
    assert "q.task_done" in _names(within(scopes, outer))
    assert "q.task_done" not in _names(descendants(outer.body))
    assert "q.put" not in _names(descendants(outer.body)) and "q.get" in _names(descendants(outer.body))


def test_a_decorator_hands_on_the_parameter_of_the_function_around_it() -> None:
    """`@functools.wraps(func)` on a nested def passes `outer`'s `func`, not the nested one's."""
    summary = summarize(ast.parse(SOURCE))
    assert ("outer", 0, "functools.wraps", 0) in summary.forwards
    shadowed = textwrap.dedent(
        """\
        def outer(original):
            @decorate(original)
            def inner(cache, original):
                return original
            return inner
        """
    )
    forwards = summarize(ast.parse(shadowed)).forwards
    assert ("outer", 0, "decorate", 0) in forwards
    assert not [f for f in forwards if f[0] == "outer.<locals>.inner"]


def test_an_attribute_built_twice_is_known_by_its_first_line() -> None:
    source = textwrap.dedent(
        """\
        import queue

        class Pool:
            def __init__(self, fast):
                if fast:
                    self.jobs = queue.Queue(1)
                self.jobs = queue.Queue()
        """
    )
    assert queue_attributes(ast.parse(source)) == {"Pool.jobs": (6, "queue.Queue")}


@pytest.mark.skipif(sys.version_info < (3, 12), reason="type parameters: Python 3.12")
def test_type_parameters_are_walked_without_error() -> None:
    tree = ast.parse("def first[T](items: list[T]) -> T:\n    return items[0]\n")
    scopes = scope_nodes(tree)
    assert any(isinstance(n, ast.Subscript) for n in scopes[id(tree)])


@pytest.mark.parametrize(
    "name", ["concurrent/futures/thread.py", "concurrent/futures/process.py", "idlelib/run.py", "test/_test_multiprocessing.py"]
)
def test_targets_read_alone_or_from_the_shared_walk_agree(name: str) -> None:
    """Alone, targets_of walks only the module's functions; given the shared walk, it reads
    each function's scope from it. Both see the same nodes, in the same order."""
    tree = ast.parse((Path(ast.__file__).parent / name).read_text(encoding="utf-8"))
    alone = targets_of(tree)
    assert alone and alone == targets_of(tree, scope_nodes(tree))


def test_a_functions_scope_is_what_descendants_of_its_body_finds_in_the_same_order() -> None:
    tree = ast.parse((Path(ast.__file__).parent / "concurrent/futures/process.py").read_text(encoding="utf-8"))
    scopes = scope_nodes(tree)
    functions = [node for node in tree.body if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))]
    assert functions
    for function in functions:
        assert [id(n) for n in descendants(function.body)] == [id(n) for n in scopes[id(function)]]


def test_only_nodes_are_walked_below_patterns_and_constants() -> None:
    source = "match x:\n    case True | None | 1.5 | b'x':\n        pass\n    case {'k': [1, *rest]}:\n        q.get()\n"
    tree = ast.parse(source)
    everything = [n for own in scope_nodes(tree).values() for n in own] + descendants(tree.body)
    assert everything and all(isinstance(n, ast.AST) for n in everything)
