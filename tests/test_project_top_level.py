"""A file read for its thread targets alone has only its functions that say a queue call
parsed (qlint/project/top_level.py): the same targets as a parse of the whole module, or
none of this (None) where the text cannot be cut safely."""

from __future__ import annotations

import ast
import sysconfig
from pathlib import Path

import pytest

from qlint.project.exports import exports_of_file
from qlint.project.source import UNREADABLE, parse_source
from qlint.project.targets import target_gate, targets_alone, targets_of

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
CONSUME = "def consume(q):\n    while True:\n        q.get()\n        q.task_done()\n"


def _whole(text: str) -> dict[str, object]:
    return dict(targets_of(ast.parse(text)))


def test_only_the_functions_that_say_a_queue_call_are_parsed() -> None:
    text = "import json\n\n\n" + CONSUME + "\n\ndef other(x):\n    return json.dumps(x)\n"
    assert targets_alone(text.encode(), "m.py") == _whole(text) and "consume" in _whole(text)


@pytest.mark.parametrize(
    "text",
    [
        "@decorated\n@twice(1)\n" + CONSUME,  # decorators have lines of their own
        "def consume(\n    q,\n    timeout=None,\n):\n    while True:\n        q.get()\n        q.task_done()\n",
        "async def consume(q):\n    while True:\n        await q.get()\n        q.task_done()\n",
        "# a comment\n" + CONSUME.replace("q.get()\n", "q.get()\n# a comment in column 0\n"),
        CONSUME + "\n\nclass Pool:\n    def put(self, q):\n        q.put(1)\n",  # a method is no target
        CONSUME + "\n\ndef consume(q):\n    return 1\n",  # the second def has no facts: the first stays
        "def consume(q):\n    table = [\n1, 2]\n    q.get()\n",  # a bracket's line in column 0 is no cut
        "def consume(q):\n    x = (a\n@ b)\n    q.get()\n",  # nor is a `@` that multiplies matrices
        CONSUME + "\n\n@decorated(\n    1,\n)\ndef other(q):\n    q.put(1)\n",  # the next one's decorators end a region
        'def consume(q):\n    """A docstring,\nin column 0."""\n    q.get()\n',
        'def consume(q):\n    text = """\nin column 0\n"""\n    q.get()\n',
    ],
)
def test_cut_where_python_would(text: str) -> None:
    found = targets_alone(text.encode(), "m.py")
    assert found is not None and found == _whole(text) and found


@pytest.mark.parametrize(
    "text",
    [
        # a `def` in column 0 in a docstring is no function
        '"""Usage:\n\ndef consume(q):\n    while True:\n        q.get()\n"""\n\n\ndef real(q):\n    q.put(1)\n',
        "'''Usage:\n\ndef consume(q):\n    q.get()\n'''\n",
        '"""Usage:\n\ndef consume(q):\n    q.get()\n\ndef other():\n    pass\n"""\n',  # the first region parses
        'x = "a string continued \\\ndef consume(q): q.get() #"\n',  # a line continued onto the `def`
    ],
)
def test_a_cut_that_cannot_be_trusted_leaves_it_to_the_whole_parse(text: str, tmp_path: Path) -> None:
    assert targets_alone(text.encode(), "m.py") is None
    path = tmp_path / "m.py"
    path.write_text(text)
    try:
        whole = _whole(text)
    except SyntaxError:
        whole = {}  # a file that does not parse says nothing
    assert exports_of_file(str(path)).targets == whole


def test_a_module_that_does_not_parse_still_gives_the_functions_that_do() -> None:
    """As a module whose syntax is newer than this Python's would: the rest of its project
    learns what its functions do (the engine reports the file itself)."""
    text = "print 'hello'\n\n" + CONSUME
    with pytest.raises(SyntaxError):
        ast.parse(text)
    assert set(targets_alone(text.encode(), "m.py") or ()) == {"consume"}


def _gated_files() -> list[Path]:
    roots = [Path(sysconfig.get_paths()["stdlib"]), FIXTURES]
    return [p for root in roots for p in sorted(root.rglob("*.py")) if "site-packages" not in p.parts]


def test_the_same_targets_as_the_whole_parse_on_real_code() -> None:
    """Every file of this Python's standard library and of the fixtures that the target gate
    lets through: the functions parsed alone say what the whole module says."""
    compared = 0
    for path in _gated_files():
        try:
            source = path.read_bytes()
            if not target_gate(source):
                continue
            text, tree = parse_source(source, str(path))
        except (*UNREADABLE, OSError):
            continue
        found = targets_alone(source, str(path))
        assert found is None or found == targets_of(tree), path
        compared += found is not None
    assert compared > 50
