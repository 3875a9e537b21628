"""The rules a file runs because of another module's answers (qlint/project/gates.py):
only where it names what that module defines, and shows what the rule looks for."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from qlint.project.gates import needed_rules, possibly_needed, possibly_needed_besides
from qlint.project.view import ProjectView

VIEW = ProjectView(
    "main",
    targets={
        "app.workers.consume": ("app/workers.py", (3, 4, (), (0,), True, (), (0,))),  # endless
        "app.workers.peek": ("app/workers.py", (9, 0, (), (0,), True, (), ())),  # a consumer that ends
        "app.acks.finish": ("app/acks.py", (1, 0, (), (), False, (0,), ())),  # acknowledges its parameter
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


def test_a_file_that_gets_and_calls_an_imported_acknowledging_helper_runs_the_path_rules() -> None:
    """QL102-QL106 want a `task_done` in the file's text; the helper of another module has it."""
    text = "from app.acks import finish\ndef work(q):\n    while True:\n        q.get()\n        finish(q)\n"
    assert needed_rules(VIEW, text) == {"QL102", "QL103", "QL104", "QL105", "QL106"}
    in_app = ProjectView("app.main", targets=VIEW.targets, made=VIEW.made)  # `.acks` of app.main is app.acks
    assert needed_rules(in_app, text.replace("from app.acks import", "from .acks import")) == needed_rules(VIEW, text)
    assert needed_rules(VIEW, text.replace("from app.acks import", "from .acks import")) == set()  # main.acks
    assert needed_rules(VIEW, "from app.acks import finish\nfinish(q)\n") == set()  # no get: no consumer loop
    assert needed_rules(VIEW, "def work(q):\n    q.get()\n    finish(q)\n") == set()  # not imported


def test_a_file_that_uses_a_queue_attribute_built_elsewhere_runs_ql202_and_ql303() -> None:
    assert needed_rules(VIEW, "from app.client import Client\nClient().inbox.put(1)\n") == {"QL303"}
    assert needed_rules(VIEW, "from app.client import Client\ndef f(c: Client):\n    c.inbox.join()\n") == {"QL202", "QL303"}
    assert needed_rules(VIEW, "from app import client\nclient.Client().inbox.join()\n") == {"QL202", "QL303"}
    # Without an import, the analysis cannot tell which Client it is: nothing to run.
    assert needed_rules(VIEW, "def f(c: Client):\n    c.inbox.join()\n") == set()
    assert needed_rules(VIEW, "def f(c):\n    c.inbox.join()\n") == set()  # the class is not named


WORDS = ["get", "put", "join", "task_done", "Thread", "target", "x.", "(", ")", " ", "\n", "_nowait", "getattr"]
CODES = ["QL202", "QL203", "QL204", "QL303", "QL102", "QL103", "QL104", "QL105", "QL106"]


def test_besides_what_ran_nothing_when_every_possible_rule_ran() -> None:
    assert not possibly_needed_besides("q.put(1)", frozenset({"QL303"}))
    assert possibly_needed_besides("q.put(1)", frozenset({"QL202"}))
    assert not possibly_needed_besides("t.join()", frozenset({"QL202", "QL303"}))
    assert possibly_needed_besides("x = q.get()", frozenset({"QL303"}))


@given(st.lists(st.sampled_from(WORDS), max_size=8), st.frozensets(st.sampled_from(CODES)))
def test_besides_what_ran_is_the_set_difference_asked_lazily(words: list[str], ran: frozenset[str]) -> None:
    text = "".join(words)
    assert possibly_needed_besides(text, ran) == possibly_needed(text) - ran


def test_only_the_entries_that_can_make_a_left_rule_needed_are_looked_at() -> None:
    """`from app.acks import finish` names a helper that acknowledges: it can make only the
    path rules needed, so a file with only QL303 left to run needs no second look."""
    words = {"app", "acks", "finish"}
    assert VIEW.may_need_rules(words, frozenset({"QL102"}))
    assert not VIEW.may_need_rules(words, frozenset({"QL303", "QL203"}))
    assert VIEW.may_need_rules({"app", "client", "Client"}, frozenset({"QL303"}))
    assert not VIEW.may_need_rules({"app", "client", "Client"}, frozenset({"QL102", "QL203"}))
    assert VIEW.may_need_rules({"app", "workers", "consume"}, frozenset({"QL203"}))
    assert not VIEW.may_need_rules({"app", "workers", "consume"}, frozenset({"QL303", "QL202"}))
