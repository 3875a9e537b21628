"""The rules a file runs because of another module's answers (qlint/project/gates.py):
only where it names what that module defines, and shows what the rule looks for."""

from __future__ import annotations

from qlint.project.gates import needed_rules
from qlint.project.view import ProjectView

VIEW = ProjectView(
    "main",
    targets={
        "app.workers.consume": ("app/workers.py", (3, 4, (), (0,), True)),  # endless
        "app.workers.peek": ("app/workers.py", (9, 0, (), (0,), True)),  # a consumer that ends
    },
    made={"app.client.Client.inbox": ("app/client.py", 8, "asyncio.Queue")},
)


def test_a_file_that_starts_an_imported_endless_consumer_runs_ql203_and_ql204() -> None:
    text = "from app.workers import consume\nimport threading\nt = threading.Thread(target=consume)\nt.join()\n"
    assert needed_rules(VIEW, text) == {"QL203", "QL204"}


def test_the_function_name_alone_or_a_target_with_no_answer_is_not_enough() -> None:
    assert needed_rules(VIEW, "import threading\nt = threading.Thread(target=consume)\nt.join()\n") == set()
    assert needed_rules(VIEW, "from app.workers import peek\nimport threading\nthreading.Thread(target=peek).join()\n") == set()
    assert needed_rules(VIEW, "from app.workers import consume\nconsume(q)\n") == set()  # no thread, no join


def test_a_file_that_uses_a_queue_attribute_built_elsewhere_runs_ql202_and_ql303() -> None:
    assert needed_rules(VIEW, "from app.client import Client\nClient().inbox.put(1)\n") == {"QL303"}
    assert needed_rules(VIEW, "from app.client import Client\ndef f(c: Client):\n    c.inbox.join()\n") == {"QL202", "QL303"}
    assert needed_rules(VIEW, "from app import client\nclient.Client().inbox.join()\n") == {"QL202", "QL303"}
    # Without an import, the analysis cannot tell which Client it is: nothing to run.
    assert needed_rules(VIEW, "def f(c: Client):\n    c.inbox.join()\n") == set()
    assert needed_rules(VIEW, "def f(c):\n    c.inbox.join()\n") == set()  # the class is not named
