"""The project index (qlint/project/): roots, module names, imports, summaries, the fixed point."""

from __future__ import annotations

import ast
import os
from pathlib import Path
from typing import Optional

import pytest

from qlint.engine import check_source
from qlint.project.context import build_context
from qlint.project.index import ProjectIndex, summarize_file, summary_gate
from qlint.project.layout import absolute_import, find_root, module_names, path_from_root
from qlint.project.summary import ModuleSummary, summarize
from tests.fixture_expectations import FIXTURES


def _project(root: Path, files: dict[str, str]) -> Path:
    (root / "pyproject.toml").write_text("")
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def _index(root: Path, read=summarize_file, bound: int = 1000) -> ProjectIndex:
    return ProjectIndex.build(str(root), [str(p) for p in root.rglob("*.py")], read=read, bound=bound)


def _codes(root: Path, name: str) -> list[str]:
    path = root / name
    view = build_context([str(root)]).view_for(str(path))
    return [f"{d.line}:{d.code}:{d.message}" for d in check_source(path.read_bytes(), str(path), project=view).diagnostics]


WORKER = """\
def consume(q):
    while True:
        item = q.get()
        print(item)
        q.task_done()
"""


def test_root_is_the_nearest_pyproject_else_git_else_the_folder(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "m.py").write_text("")
    assert find_root(str(tmp_path / "a" / "b" / "m.py")) == str(tmp_path)
    (tmp_path / "a" / "pyproject.toml").write_text("")
    assert find_root(str(tmp_path / "a" / "b" / "m.py")) == str(tmp_path / "a")
    os.rmdir(tmp_path / ".git")
    os.remove(tmp_path / "a" / "pyproject.toml")
    assert find_root(str(tmp_path / "a" / "b" / "m.py")) == str(tmp_path / "a" / "b")


@pytest.mark.parametrize(
    ("path", "root"),
    [
        ("/p/app/workers.py", "/p"),
        ("/p/bc/x.py", "/p/b"),  # a sibling whose name starts with the root's
        ("/p/../q/x.py", "/p"),
        ("/x.py", "/"),
        ("/p/.hidden/x.py", "/p"),
        ("/p", "/p"),
    ],
)
def test_a_path_from_the_root_is_what_relpath_says(path: str, root: str) -> None:
    path, root = path.replace("/", os.sep), root.replace("/", os.sep)
    assert path_from_root(path, root) == os.path.relpath(path, root)


def test_module_names_of_a_src_layout_and_of_tests(tmp_path: Path) -> None:
    _project(tmp_path, {"src/app/__init__.py": "", "src/app/workers.py": "", "tests/test_app.py": ""})
    root = str(tmp_path)
    assert module_names(str(tmp_path / "src/app/workers.py"), root) == ("app.workers", ["app.workers", "src.app.workers"])
    assert module_names(str(tmp_path / "src/app/__init__.py"), root)[0] == "app"
    assert module_names(str(tmp_path / "tests/test_app.py"), root)[0] == "test_app"


@pytest.mark.parametrize("reference, module, package, expected", [
    (".workers", "app.main", False, "app.workers"),
    ("..util.x", "app.sub.mod", False, "app.util.x"),
    (".", "app.main", False, "app"),
    (".jobs", "app", True, "app.jobs"),
    ("...x", "app.main", False, None),  # past the top
    ("os.path", "app.main", False, "os.path"),
])
def test_relative_imports(reference: str, module: str, package: bool, expected: Optional[str]) -> None:
    assert absolute_import(reference, module, package) == expected


def test_summary_round_trips_as_json() -> None:
    tree = ast.parse("import w\nfrom . import x as y\ndef f(q, c: 'Client'):\n    c.inbox.join()\n    w.run(q)\n    q.join()\n")
    summary = summarize(tree)
    assert summary.joins == [("Client", "inbox", 4, 5)]
    assert summary.forwards == [("f", 0, "w.run", 0)]
    assert ModuleSummary.from_json(summary.to_json()) == summary
    with pytest.raises((TypeError, ValueError, KeyError)):
        ModuleSummary.from_json({"imports": {}, "defines": [1], "joins": [], "passes": [], "forwards": []})


def test_join_gate_is_the_summaries_gate() -> None:
    assert summary_gate("f(q)\nq.join()") and summary_gate("client.inbox . join (  # wait\n )")
    assert summary_gate("from w import jobs\njobs.join()") and summary_gate("x = (q  # the queue\n  .join())")
    assert not summary_gate("', '.join(parts)") and not summary_gate("consume(q)")
    assert not summary_gate("t = Thread(target=f)\nt.start()\nt.join()")


GATE_CASES = sorted((FIXTURES).glob("*.py")) + sorted((FIXTURES / "projects").rglob("*.py"))


@pytest.mark.parametrize("path", GATE_CASES, ids=[str(p.relative_to(FIXTURES)) for p in GATE_CASES])
def test_the_gate_passes_every_file_whose_summary_has_a_join_or_a_pass(path: Path) -> None:
    """Soundness: a module the gate skips would have said nothing but forwards (which are
    read on demand). Also on the fixtures with the join's receiver split by a comment."""
    source = path.read_bytes()
    for text in (source, source.replace(b".join()", b"  # c\n.join()")):
        try:
            tree = ast.parse(text)
        except SyntaxError:
            continue
        summary = summarize(tree)
        if summary.joins or summary.passes:
            assert summary_gate(text), path.name


def test_a_forwarder_without_a_queue_word_is_summarized_on_demand(tmp_path: Path) -> None:
    """`def run(q): consume(q)` fails the gate, yet the join in main.py reaches consume()."""
    _project(tmp_path, {
        "app/__init__.py": "",
        "app/workers.py": WORKER,
        "app/relay.py": "from .workers import consume\n\n\ndef run(q):\n    consume(q)\n",
        "main.py": "import queue, threading\nimport app.relay as r\n\nq = queue.Queue()\n"
                   "threading.Thread(target=r.run, args=(q,)).start()\nq.join()\n",
    })
    assert not summary_gate((tmp_path / "app/relay.py").read_text())
    read: list[tuple[str, bool]] = []

    def recording(path: str, gated: bool) -> Optional[ModuleSummary]:
        read.append((os.path.basename(path), gated))
        return summarize_file(path, gated)

    index = _index(tmp_path, recording)
    assert ("relay.py", False) in read and ("workers.py", False) in read
    view = index.view_for(str(tmp_path / "app/workers.py"))
    assert view is not None and view.parameters == {("consume", 0): ("main.py", 6, 1)}
    [finding] = _codes(tmp_path, "app/workers.py")
    assert "the join() in main.py:6" in finding


def test_forwards_in_a_cycle_reach_a_fixed_point_within_the_bound(tmp_path: Path) -> None:
    _project(tmp_path, {
        "a.py": "import b\n\n\ndef ping(q, n):\n    b.pong(q, n)\n",
        "b.py": "import a\nimport c\n\n\ndef pong(q, n):\n    a.ping(q, n)\n    c.last(q)\n",
        "c.py": WORKER.replace("consume", "last"),
        "main.py": "import queue\nimport a\n\nq = queue.Queue()\na.ping(q, 3)\nq.join()\n",
    })
    index = _index(tmp_path)
    assert 1 < index.rounds <= 4
    for name, key in (("a.py", ("ping", 0)), ("b.py", ("pong", 0)), ("c.py", ("last", 0))):
        view = index.view_for(str(tmp_path / name))
        assert view is not None and view.parameters.get(key) == ("main.py", 6, 1), name
    stopped = _index(tmp_path, bound=1)
    assert stopped.rounds == 1  # the bound holds even where the fixed point needs more


def test_a_known_class_does_not_lend_its_join_to_a_same_named_attribute(tmp_path: Path) -> None:
    classes = (
        "import queue\n\n\nclass Mailer:\n    def __init__(self):\n        self.inbox = queue.Queue()\n\n\n"
        "class Logger:\n    def __init__(self):\n        self.inbox = queue.Queue()\n"
    )
    _project(tmp_path, {"services.py": classes, "main.py": "from services import Mailer\n\n\ndef f(m: Mailer):\n    m.inbox.join()\n"})
    view = _index(tmp_path).view_for(str(tmp_path / "services.py"))
    assert view is not None
    assert view.attribute_join("Mailer", "inbox") is not None
    assert view.attribute_join("Logger", "inbox") is None
    (tmp_path / "main.py").write_text("def f(m):\n    m.inbox.join()\n")  # class unknown: the name alone
    view = _index(tmp_path).view_for(str(tmp_path / "services.py"))
    assert view is not None
    found = view.attribute_join("Logger", "inbox")
    assert found is not None and found.by_name


def test_an_ambiguous_module_name_is_not_followed(tmp_path: Path) -> None:
    _project(tmp_path, {
        "one/jobs.py": "import queue\njobs = queue.Queue()\n", "two/jobs.py": "import queue\njobs = queue.Queue()\n",
        "main.py": "import jobs\njobs.jobs.join()\n",
    })
    index = _index(tmp_path)
    assert all(not v.globals for v in index.views.values())


def test_bad_files_in_the_project_are_skipped(tmp_path: Path) -> None:
    _project(tmp_path, {"main.py": "import w\nw.q.join()\n", "w.py": "import queue\nq = queue.Queue()\n"})
    (tmp_path / "broken.py").write_text("def f(:\n    x.join()\n")
    (tmp_path / "bytes.py").write_bytes(b"\xff\xfe\x00x.join()\n")
    (tmp_path / "deep.py").write_text("x = " + "(" * 500 + ")" * 500 + "\ny.join()\n")
    view = _index(tmp_path).view_for(str(tmp_path / "w.py"))
    assert view is not None and view.globals == {"q": ("main.py", 2, 1)}


def test_a_fifo_in_the_project_is_never_opened(tmp_path: Path) -> None:
    import threading

    _project(tmp_path, {"main.py": "import w\nw.q.join()\n", "w.py": "import queue\nq = queue.Queue()\n"})
    os.mkfifo(tmp_path / "pipe.py")
    built: list[ProjectIndex] = []
    worker = threading.Thread(target=lambda: built.append(_index(tmp_path)), daemon=True)
    worker.start()
    worker.join(timeout=20)
    assert built, "reading the FIFO blocked"
    view = built[0].view_for(str(tmp_path / "w.py"))
    assert view is not None and view.globals == {"q": ("main.py", 2, 1)}


@pytest.mark.parametrize("path", GATE_CASES, ids=[str(p.relative_to(FIXTURES)) for p in GATE_CASES])
def test_a_partial_summary_has_every_join_and_pass_of_the_whole_one(path: Path) -> None:
    """The gated read looks only at the functions that mention `join` or a joined name."""
    text = path.read_text("utf-8")
    tree = ast.parse(text)
    whole, partial = summarize(tree), summarize(tree, text)
    assert partial.partial and not whole.partial
    assert (partial.joins, partial.passes) == (whole.joins, whole.passes)
    assert set(partial.forwards) <= set(whole.forwards)


def test_a_pass_in_a_function_that_does_not_say_join_is_in_the_partial_summary() -> None:
    text = "import queue, w\nq = queue.Queue()\n\ndef start():\n    w.consume(q)\n\ndef stop():\n    q.join()\n"
    assert summarize(ast.parse(text), text).passes == [("w.consume", 0, 8, 5)]


def test_a_folder_with_its_own_pyproject_is_another_project(tmp_path: Path) -> None:
    from qlint.project.context import project_files

    _project(tmp_path, {"main.py": "", "sub/pyproject.toml": "", "sub/inner.py": "", "pkg/mod.py": ""})
    files = sorted(Path(p).relative_to(tmp_path).as_posix() for p in project_files(str(tmp_path)))
    assert files == ["main.py", "pkg/mod.py"]
    assert project_files(str(tmp_path / "sub")) == [str(tmp_path / "sub" / "inner.py")]
