"""What a function does as a thread target started from another module
(qlint/project/targets.py): an endless consumer loop, the parameters it puts into, and
a gate on the bytes that never skips a module with something to say."""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

import pytest

from qlint.project.targets import TargetFacts, target_gate, targets_of


def _facts(source: str) -> dict[str, TargetFacts]:
    return targets_of(ast.parse(textwrap.dedent(source)))


ENDLESS = """
def consume(q):
    while True:
        item = q.get()
        q.task_done()
"""


def test_a_while_true_loop_around_a_blocking_get_never_ends() -> None:
    assert _facts(ENDLESS) == {"consume": (2, 3, (), (0,), True, (), (0,))}  # task_done() in a loop: some paths


@pytest.mark.parametrize("way_out", ["break", "return", "raise SystemExit", "sys.exit()", "if item is None: break"])
def test_a_way_out_of_the_loop_ends_it(way_out: str) -> None:
    source = ENDLESS + f"        {way_out}\n"
    assert _facts(source)["consume"][1] == 0


@pytest.mark.parametrize("get", ["q.get(timeout=1)", "q.get(False)", "q.get_nowait()", "q.get(block=False)"])
def test_a_get_that_can_raise_empty_ends_it(get: str) -> None:
    assert _facts(ENDLESS.replace("q.get()", get))["consume"][1] == 0


def test_a_break_of_a_nested_loop_does_not_end_it() -> None:
    source = ENDLESS + "        for x in item:\n            break\n"
    assert _facts(source)["consume"][1] == 3


def test_a_dict_get_is_not_a_queue_s() -> None:
    assert _facts("def f(d):\n    while True:\n        d.get('k')\n") == {}


def test_a_producer_puts_into_its_parameter_and_gets_from_none() -> None:
    assert _facts("def produce(n, q):\n    for i in range(n):\n        q.put(i)\n") == {"produce": (1, 0, (1,), (), False, (), ())}
    assert _facts("def produce(q):\n    q = make()\n    q.put(1)\n") == {}  # rebound: not the caller's queue


@pytest.mark.parametrize(
    "source", [ENDLESS, "def p(q):\n    q.put(1)\n", "def p(q):\n    q.put_nowait(1)\n", "def c(q):\n    q . get (\n  True)\n",
               "def c(q):\n    q.get(timeout=3)\n"],
)
def test_the_gate_passes_every_module_with_facts(source: str) -> None:
    assert _facts(source)
    assert target_gate(source.encode())


def test_the_gate_skips_a_module_without_queue_calls() -> None:
    assert not target_gate(b"def f(d):\n    return d.get('k')\n")


def test_the_exports_are_kept_between_runs_while_the_file_is_unchanged(tmp_path: Path) -> None:
    from qlint.project.exports import ExportsStore, exports_of_file

    workers = tmp_path / "workers.py"
    workers.write_text(textwrap.dedent(ENDLESS))
    store_file = tmp_path / "exports-x.json"
    first = ExportsStore(store_file)
    assert first.read(str(workers)) == exports_of_file(str(workers))
    first.save()
    kept = ExportsStore(store_file)
    assert kept.read(str(workers)).targets == {"consume": (2, 3, (), (0,), True, (), (0,))}
    assert not kept.dirty  # from the store, not read again
    workers.write_text(textwrap.dedent(ENDLESS) + "        break\n")
    assert kept.read(str(workers)).targets["consume"][1] == 0  # changed: read again


def test_the_gate_wants_a_module_level_function() -> None:
    """Only module-level functions are targets another module can import: a module whose
    gets and puts are all in methods is not parsed for them."""
    method = b"class Pool:\n    def run(self, q):\n        q.put(1)\n"
    assert not target_gate(method)
    assert target_gate(method + b"async def feed(q):\n    await q.put(2)\n")
    assert target_gate(b"@wraps\ndef feed(q):\n    q.put(2)\n")
