"""Which class attributes of a module hold a queue, and built by what
(qlint/project/attributes.py), and the gate that decides whether to read them."""

from __future__ import annotations

import ast
import textwrap

from qlint.project.attributes import attributes_gate, queue_attributes


def _attributes(source: str) -> dict[str, tuple[int, str]]:
    return queue_attributes(ast.parse(textwrap.dedent(source)))


def test_an_attribute_built_by_a_queue_class_through_its_import() -> None:
    source = """
        import asyncio
        from queue import SimpleQueue as Simple


        class Client:
            def __init__(self):
                self.inbox = asyncio.Queue()
                self.events: Simple = Simple()
                self.names = {}
    """
    assert _attributes(source) == {"Client.inbox": (8, "asyncio.Queue"), "Client.events": (9, "queue.SimpleQueue")}
    assert attributes_gate(textwrap.dedent(source).encode())


def test_an_attribute_built_two_ways_is_not_known() -> None:
    source = """
        import asyncio
        import queue


        class Client:
            def __init__(self, threaded):
                self.inbox = asyncio.Queue()

            def reset(self):
                self.inbox = queue.Queue()
    """
    assert _attributes(source) == {}


def test_an_attribute_set_to_something_else_too_is_not_known() -> None:
    source = """
        import asyncio


        class Client:
            def __init__(self, inbox=None):
                self.inbox = asyncio.Queue()

            def use(self, other):
                self.inbox = make(other)
    """
    assert _attributes(source) == {}


def test_an_unimported_or_relative_class_is_not_resolved() -> None:
    assert _attributes("from .q import MyQueue\nclass C:\n    def f(self):\n        self.q = MyQueue()\n") == {}


def test_the_gate_passes_every_way_a_queue_class_is_called() -> None:
    """The gate wants the callee's last name before its bracket, or an import `as`: each
    source here builds an attribute, and passes; a module that only names `Queue` does not."""
    built = [
        "import queue\nclass C:\n    def __init__(self):\n        self.q = queue.Queue \\\n            ()\n",
        "import queue\nclass C:\n    def __init__(self):\n        self.q = (queue.Queue  # the class\n            )()\n",
        "from queue import Queue\nclass C:\n    def __init__(self):\n        self.q = ((Queue))()\n",
        "from queue import (\n    Queue as Q,\n)\nclass C:\n    def __init__(self):\n        self.q = Q()\n",
        "import multiprocessing as mp\nclass C:\n    def __init__(self):\n        self.q = mp.JoinableQueue(maxsize=2)\n",
    ]
    for source in built:
        assert queue_attributes(ast.parse(source)), source
        assert attributes_gate(source.encode()), source
    assert not attributes_gate(b"from queue import Queue\nclass C:\n    def run(self, q: Queue):\n        self.q = q\n")
