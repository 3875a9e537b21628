"""Fixes (docs/usage.md, "Fixing"): every fixable fixture is fixed to its golden, idempotently, the same way
through the engine, `--fix` and `--diff`; files keep their bytes' form; broken fixes are refused."""

from __future__ import annotations

import difflib
import json
import shutil
import stat
import subprocess
import sys
from collections import Counter
from pathlib import Path

import jsonschema
import libcst as cst
import pytest

from qlint.cli import main
from qlint.diagnostic import SAFE, UNSAFE, Fix
from qlint.engine import FIX_MARKS, check_source
from qlint.fix import fix_source
from qlint.settings import Settings
from tests.fixture_expectations import FIXTURES, fixture_files
from tests.test_config_and_formats import SCHEMA

FILES = fixture_files()
GOLDEN = FIXTURES / "fixed"
SETTINGS = Settings()


def _golden(path: Path) -> Path:
    return GOLDEN / path.name


def _has_fix(path: Path) -> bool:
    return any(d.fix is not None for d in check_source(path.read_bytes(), str(path)).diagnostics)


def test_every_fixable_fixture_has_a_golden_and_every_golden_a_fixture() -> None:
    fixable = {p.name for p in FILES if _has_fix(p)}
    goldens = {p.name for p in GOLDEN.glob("*.py")}
    assert fixable == goldens
    rules_with_fixes = {
        d.code for p in FILES if p.name in fixable for d in check_source(p.read_bytes(), str(p)).diagnostics if d.fix
    }
    assert rules_with_fixes == {"QL103", "QL104", "QL302", "QL303", "QL304", "QL305", "QL107"}


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_fix_gives_the_golden_and_removes_exactly_the_fixed_findings(path: Path) -> None:
    source = path.read_bytes()
    before = check_source(source, str(path)).diagnostics
    outcome = fix_source(source, str(path), SETTINGS, unsafe=True)
    assert outcome.errors == []
    golden = _golden(path)
    if not golden.exists():
        assert outcome.source == source and outcome.fixed == 0
        return
    assert outcome.source == golden.read_bytes(), f"fixing {path.name} no longer gives its golden"
    compile(outcome.source, str(golden), "exec", dont_inherit=True)
    fixed = Counter(d.code for d in before if d.fix is not None)
    assert outcome.fixed == sum(fixed.values())
    after = check_source(outcome.source, str(golden)).diagnostics
    assert Counter(d.code for d in after) == Counter(d.code for d in before) - fixed
    assert all(d.fix is None for d in after)
    again = fix_source(outcome.source, str(golden), SETTINGS, unsafe=True)
    assert again.source == outcome.source and again.fixed == 0


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_safe_fixes_alone_leave_the_unsafe_ones(path: Path) -> None:
    source = path.read_bytes()
    before = check_source(source, str(path)).diagnostics
    outcome = fix_source(source, str(path), SETTINGS, unsafe=False)
    assert outcome.fixed == sum(1 for d in before if d.fix is not None and d.fix.safety == SAFE)
    unsafe = Counter(d.code for d in before if d.fix is not None and d.fix.safety == UNSAFE)
    left = Counter(d.code for d in outcome.report.diagnostics if d.fix is not None)
    assert left == unsafe


def _copy_fixtures(tmp_path: Path) -> Path:
    target = tmp_path / "fixtures"
    target.mkdir()
    for path in FILES:
        shutil.copy2(path, target / path.name)
    return target


@pytest.mark.slow
def test_cli_fix_writes_the_goldens_and_a_second_run_changes_nothing(tmp_path: Path, capsys) -> None:
    target = _copy_fixtures(tmp_path)
    status = main(["--fix", "--unsafe-fixes", "--no-cache", str(target)])
    out, err = capsys.readouterr()
    assert status == 1 and err == ""  # findings remain (QL2xx, QL10x without fixes)
    for path in FILES:
        expected = _golden(path) if _golden(path).exists() else path
        assert (target / path.name).read_bytes() == expected.read_bytes(), path.name
    fixed = sum(1 for p in FILES if _golden(p).exists())
    assert " fixed, " in out.splitlines()[-1] and fixed
    snapshot = {p.name: p.read_bytes() for p in target.iterdir()}
    main(["--fix", "--unsafe-fixes", "--no-cache", str(target)])
    out, _ = capsys.readouterr()
    assert "(0 fixed," in out
    assert {p.name: p.read_bytes() for p in target.iterdir()} == snapshot
    assert sorted(p.name for p in target.iterdir()) == sorted(p.name for p in FILES)  # no temporary files left


def test_cli_fix_silences_every_rule_whose_fix_it_offered(tmp_path: Path, capsys) -> None:
    """A fix marked `[*]` does what the mark promises: `--fix --unsafe-fixes` applies it, and
    its rule no longer fires on the result (but for findings of that rule that had no fix)."""
    fixable = [p for p in FILES if any(d.fix for d in check_source(p.read_bytes(), str(p), fixes=FIX_MARKS).diagnostics)]
    assert fixable
    target = tmp_path / "fixtures"
    target.mkdir()
    for path in fixable:
        shutil.copy2(path, target / path.name)
    main(["--fix", "--unsafe-fixes", "--no-cache", "--jobs", "1", str(target)])
    still = capsys.readouterr().err.splitlines()  # a fix refused
    for path in fixable:
        before = check_source(path.read_bytes(), str(path), fixes=FIX_MARKS).diagnostics
        after = check_source((target / path.name).read_bytes(), str(path), fixes=FIX_MARKS).diagnostics
        for code in sorted({d.code for d in before if d.fix is not None}):
            without_fix = sum(1 for d in before if d.code == code and d.fix is None)
            left = [f"{d.line}:{d.col}" for d in after if d.code == code]
            if len(left) > without_fix:
                still.append(f"{path.name}: {code} fires again at {', '.join(left)}")
    assert not still, "\n".join(still)


@pytest.mark.slow
def test_cli_diff_shows_the_goldens_and_writes_nothing(tmp_path: Path, capsys) -> None:
    target = _copy_fixtures(tmp_path)
    status = main(["--diff", "--unsafe-fixes", "--no-cache", str(target)])
    out, err = capsys.readouterr()
    assert status == 1
    expected = "".join(
        "".join(difflib.unified_diff(
            path.read_text("utf-8").splitlines(True), _golden(path).read_text("utf-8").splitlines(True),
            fromfile=str(target / path.name), tofile=str(target / path.name)))
        for path in FILES if _golden(path).exists()
    )
    assert out == expected
    assert err.startswith("Would fix ")
    for path in FILES:
        assert (target / path.name).read_bytes() == path.read_bytes()
    clean = tmp_path / "clean.py"
    shutil.copy2(_golden(FILES[0]) if _golden(FILES[0]).exists() else FIXTURES / "fixed" / "ql104_reraise_alias.py", clean)
    assert main(["--diff", "--unsafe-fixes", "--no-cache", str(clean)]) == 0
    assert capsys.readouterr().out == ""


BUGGY = (
    "# -*- coding: latin-1 -*-\r\n"
    "import queue\r\n"
    "\r\n"
    "def worker(q):\r\n"
    "    while True:\r\n"
    "        item = q.get()\r\n"
    "        # caf\xe9: handle it\r\n"
    "        handle(item)\r\n"
    "\r\n"
    "        q.task_done()  # acknowledged\r\n"
    "\r\n"
    "q = queue.Queue()\r\n"
    "q.join()\r\n"
)
FIXED = (
    "# -*- coding: latin-1 -*-\r\n"
    "import queue\r\n"
    "\r\n"
    "def worker(q):\r\n"
    "    while True:\r\n"
    "        item = q.get()\r\n"
    "        # caf\xe9: handle it\r\n"
    "        try:\r\n"
    "            handle(item)\r\n"
    "\r\n"
    "        finally:\r\n"
    "            q.task_done()  # acknowledged\r\n"
    "\r\n"
    "q = queue.Queue()\r\n"
    "q.join()\r\n"
)


def test_fix_keeps_encoding_newlines_mode_and_symlinks(tmp_path: Path, capsys) -> None:
    real = tmp_path / "worker.py"
    real.write_bytes(BUGGY.encode("latin-1"))
    real.chmod(0o751)
    link = tmp_path / "link.py"
    link.symlink_to(real)
    assert main(["--fix", "--no-cache", str(link)]) == 0
    assert "(1 fixed, 0 remaining)" in capsys.readouterr().out
    assert link.is_symlink()
    assert real.read_bytes() == FIXED.encode("latin-1")
    assert stat.S_IMODE(real.stat().st_mode) == 0o751
    bom = tmp_path / "bom.py"
    bom.write_bytes(b"\xef\xbb\xbf" + BUGGY.replace("latin-1", "utf-8").encode("utf-8"))
    assert main(["--fix", "--no-cache", str(bom)]) == 0
    assert bom.read_bytes() == b"\xef\xbb\xbf" + FIXED.replace("latin-1", "utf-8").encode("utf-8")


def test_standard_input_prints_the_fixed_source(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "qlint", "--fix", "--no-cache", "-"]
    done = subprocess.run(command, input=BUGGY.encode("latin-1"), capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout == FIXED.encode("latin-1")
    diff = subprocess.run([sys.executable, "-m", "qlint", "--diff", "--stdin-filename", "w.py", "-"],
                          input=BUGGY.encode("latin-1"), capture_output=True, timeout=120)
    assert diff.returncode == 1 and diff.stdout.startswith(b"--- w.py\n+++ w.py\n")


def test_default_output_marks_fixable_findings_and_counts_them(tmp_path: Path, capsys) -> None:
    path = tmp_path / "w.py"
    path.write_bytes(BUGGY.encode("latin-1"))
    main(["--no-cache", str(path)])
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith(f"{path}:10:9: QL104 [*] task_done()")
    assert out[1] == "[*] 1 fixable with the --fix option."
    unsafe = tmp_path / "u.py"
    unsafe.write_text("import queue\nq = queue.Queue()\nwhile True:\n    with q.get() as x:\n        print(x)\n")
    main(["--no-cache", str(unsafe)])
    out = capsys.readouterr().out.splitlines()
    assert "[*]" not in out[0]
    assert out[1] == "No fixes available (1 hidden fix can be enabled with the --unsafe-fixes option)."
    main(["--no-cache", "--unsafe-fixes", str(unsafe)])
    out = capsys.readouterr().out.splitlines()
    assert " QL302 [*] " in out[0] and out[1] == "[*] 1 fixable with the --fix option."


NOT_AWAITED = b"import asyncio\n\nasync def f(q: asyncio.Queue):\n    q.put(1)\n"


def _breaking_ql303(monkeypatch) -> None:
    """QL303's real findings, each with a fix that writes `await` where it cannot go."""
    from qlint.rules import RULES
    from qlint.rules.base import Finding

    ql303 = next(r for r in RULES if r.code == "QL303")

    def broken(facts):
        for finding in ql303.check(facts):
            yield Finding(finding.node, fix=Fix(SAFE, "break it", ((finding.node, cst.Name("await")),)))

    monkeypatch.setattr("qlint.engine.RULES", tuple(
        r if r.code != "QL303" else type(r)(r.code, r.name, r.message, r.doc, broken, r.gate) for r in RULES
    ))


def test_a_fix_that_would_not_compile_is_refused_and_named(monkeypatch) -> None:
    _breaking_ql303(monkeypatch)
    outcome = fix_source(NOT_AWAITED, "f.py", SETTINGS, unsafe=True)
    assert outcome.source == NOT_AWAITED and outcome.fixed == 0
    assert outcome.errors == ["f.py:4:5: fix for QL303 would leave code that does not compile; not applied"]


def test_a_fix_that_would_not_compile_is_not_published(monkeypatch) -> None:
    """json and sarif publish a fix's edits only if the module they leave compiles."""
    _breaking_ql303(monkeypatch)
    report = check_source(NOT_AWAITED, "f.py")
    [found] = report.diagnostics
    assert found.code == "QL303" and found.fix is None
    assert report.fixes == []
    assert report.errors == ["f.py:4:5: fix for QL303 would leave code that does not compile; not offered"]


def test_a_refused_fix_loses_its_mark(monkeypatch, tmp_path: Path, capsys) -> None:
    """After `--fix` refuses a fix, the finding it leaves is not marked `[*]` as fixable."""
    _breaking_ql303(monkeypatch)
    outcome = fix_source(NOT_AWAITED, "f.py", SETTINGS, unsafe=True, edits=False)
    assert [d.fix for d in outcome.report.diagnostics] == [None] and outcome.report.fixes == []
    path = tmp_path / "f.py"
    path.write_bytes(NOT_AWAITED)
    main(["--fix", "--no-cache", "--jobs", "1", str(path)])
    out = capsys.readouterr().out
    assert " QL303 " in out and "[*]" not in out


def test_no_fix_is_offered_in_a_file_that_does_not_compile() -> None:
    source = BUGGY.replace("def worker(q):\r\n", "def worker(q):\r\n    x = 1\r\n    global x\r\n")
    report = check_source(source, "x.py")
    assert [d.fix for d in report.diagnostics if d.code == "QL104"] == [None]
    assert report.errors == ["x.py: no fix offered: Python cannot compile this file as it is"]
    outcome = fix_source(source.encode("utf-8"), "x.py", SETTINGS, unsafe=True, edits=False)
    assert all(d.fix is None for d in outcome.report.diagnostics)


FUTURE_DOTTED = (
    '"""Drain a queue."""\n'
    "# the annotations stay strings\n"
    "from __future__ import annotations\n"
    "from __future__ import generator_stop\n\n"
    "from asyncio import queues\n\n"
    "def drain(q: queues.Queue[str]) -> list[str]:\n"
    "    try:\n        return [q.get_nowait()]\n"
    "    except queue.Empty:\n        return []\n"
)


@pytest.mark.parametrize("source, added, after", [
    (FUTURE_DOTTED, "import asyncio\n", "from __future__ import generator_stop\n\nimport asyncio\nfrom asyncio import queues\n"),
    (FUTURE_DOTTED.replace("from asyncio import queues", "import asyncio.queues as queues"), "import asyncio\n",
     "from __future__ import generator_stop\n\nimport asyncio\nimport asyncio.queues as queues\n"),
], ids=["before-the-first-import", "among-plain-imports"])
def test_an_added_import_goes_below_the_docstring_and_the_future_imports(source: str, added: str, after: str) -> None:
    """QL304's fix adds the import it needs where Python allows it: below `from __future__`."""
    [found] = check_source(source, "x.py").diagnostics
    assert found.code == "QL304" and found.fix is not None, found
    fixed = _fixed(source)
    assert after in fixed and fixed.count(added) == 1
    assert fixed.startswith('"""Drain a queue."""\n# the annotations stay strings\nfrom __future__ import annotations\n')
    compile(fixed, "x.py", "exec", dont_inherit=True)
    assert not check_source(fixed, "x.py").diagnostics


def test_json_and_sarif_carry_the_fix(tmp_path: Path, capsys) -> None:
    path = tmp_path / "w.py"
    path.write_bytes(BUGGY.encode("latin-1"))
    main(["--no-cache", "--format", "json", str(path)])
    [found] = json.loads(capsys.readouterr().out)
    assert found["fix"]["applicability"] == "safe"
    [edit] = found["fix"]["edits"]
    assert edit["location"] == {"row": 8, "column": 9}
    assert edit["content"].startswith("try:\r\n")  # the file's own newlines
    main(["--no-cache", "--format", "sarif", str(path)])
    document = json.loads(capsys.readouterr().out)
    jsonschema.validate(document, json.loads(SCHEMA.read_text()))
    [result] = document["runs"][0]["results"]
    [replacement] = result["fixes"][0]["artifactChanges"][0]["replacements"]
    assert replacement["deletedRegion"]["startLine"] == 8


def _fixed(source: str, unsafe: bool = True) -> str:
    return fix_source(source.encode("utf-8"), "x.py", SETTINGS, unsafe=unsafe).source.decode("utf-8")


HELPER_ACKS = """\
import queue

q = queue.Queue()


def finish(q):
    q.task_done()


def worker():
    while True:
        item = q.get()
        if check(item):
            finish(q)
            raise SystemExit
        handle(item)
        q.task_done()


q.join()
"""


def test_no_wrap_when_the_wrapped_code_acknowledges_through_a_helper() -> None:
    """The finally would acknowledge the helper's path a second time: join() returns early."""
    assert any(d.code == "QL104" for d in check_source(HELPER_ACKS, "x.py").diagnostics)
    assert _fixed(HELPER_ACKS) == HELPER_ACKS


def test_with_of_an_awaited_get_is_reported_without_a_fix_and_without_a_crash() -> None:
    source = "import asyncio\n\nasync def f(q: asyncio.Queue):\n    while True:\n        with await q.get() as item:\n            print(item)\n"
    report = check_source(source, "x.py")
    assert report.errors == []
    [found] = report.diagnostics
    assert found.code == "QL302" and found.fix is None


def test_where_fixes_overlap_the_safe_one_goes_first() -> None:
    """QL103 and QL104 on one task_done(): wrapping the raising code comes first, and then
    QL103's fix takes the use after the try into it."""
    source = "import queue\nq = queue.Queue()\nwhile True:\n    item = q.get()\n    prep(item)\n    q.task_done()\n    log(item)\nq.join()\n"
    assert "try:\n        prep(item)\n    finally:\n        q.task_done()\n    log(item)\n" in _fixed(source, unsafe=False)
    assert "try:\n        prep(item)\n        log(item)\n    finally:\n        q.task_done()\nq.join()\n" in _fixed(source)


DERIVED = """\
import asyncio


async def worker(q, saved):
    while True:
        job = await q.get()
        target = job["url"]
        q.task_done()
        saved.append(await download(target))


async def main(q: asyncio.Queue):
    await q.join()
"""


def test_ql103_fix_puts_task_done_below_the_use_of_a_value_derived_from_the_item() -> None:
    """The issue's worker: after QL104 wraps `target = job["url"]`, QL103's fix takes the
    download into that try. Neither rule fires on the result."""
    assert {d.code for d in check_source(DERIVED, "x.py").diagnostics} == {"QL103", "QL104"}
    fixed = _fixed(DERIVED)
    assert (
        "        try:\n"
        "            target = job[\"url\"]\n"
        "            saved.append(await download(target))\n"
        "        finally:\n"
        "            q.task_done()\n"
    ) in fixed
    assert check_source(fixed, "x.py").diagnostics == []


def test_ql103_fix_on_the_code_qlint_fix_left_with_ql104_alone() -> None:
    """`--select QL104 --fix`, then QL103's unsafe fix on what that left."""
    once = fix_source(DERIVED.encode(), "x.py", Settings(select=("QL104",)), unsafe=True).source.decode()
    assert [d.code for d in check_source(once, "x.py").diagnostics] == ["QL103"]
    assert check_source(_fixed(once), "x.py").diagnostics == []


@pytest.mark.parametrize("holder", ["with lock:", "if item.urgent:"])
def test_no_ql103_fix_when_a_use_comes_after_the_block_of_the_acknowledgement(holder: str) -> None:
    """Moving task_done() below the rest of its block would leave `work(item)` after it."""
    source = (
        "import queue\nq = queue.Queue()\nwhile True:\n    item = q.get()\n"
        f"    {holder}\n        q.task_done()\n        note(item)\n    work(item)\nq.join()\n"
    )
    found = [d for d in check_source(source, "x.py").diagnostics if d.code == "QL103"]
    assert found and all(d.fix is None for d in found)


def test_no_import_of_a_name_some_function_rebinds_as_global() -> None:
    source = (
        "from asyncio import Queue\nfrom queue import Empty\n\ndef setup():\n    global QueueEmpty\n    QueueEmpty = None\n\n"
        "def drain(q: Queue):\n    try:\n        return q.get_nowait()\n    except Empty:\n        return None\n"
    )
    assert any(d.code == "QL304" and d.fix is None for d in check_source(source, "x.py").diagnostics)


def test_a_file_that_does_not_compile_is_not_fixed_and_says_why() -> None:
    source = BUGGY.replace("def worker(q):\r\n", "def worker(q):\r\n    x = 1\r\n    global x\r\n")
    outcome = fix_source(source.encode("utf-8"), "x.py", SETTINGS, unsafe=True)
    assert outcome.errors == ["x.py: not fixed: Python cannot compile this file as it is"]


def test_a_read_only_file_is_not_replaced_and_keeps_its_findings(tmp_path: Path, capsys) -> None:
    path = tmp_path / "w.py"
    path.write_bytes(BUGGY.encode("latin-1"))
    path.chmod(0o444)
    assert main(["--fix", "--no-cache", str(path)]) == 2
    out, err = capsys.readouterr()
    assert path.read_bytes() == BUGGY.encode("latin-1")
    assert err.strip() == f"qlint: {path}: cannot write the fixed file: the file is read-only"
    assert " QL104 " in out and "(0 fixed, 1 remaining)" in out


def test_the_walk_to_a_call_statement_finds_what_the_full_walk_finds() -> None:
    """`chain_to_call_statement` skips expressions: for every call of the fixtures, from
    its top-level statement down, it gives the full walk's chain when the call is a line
    of its own, and None otherwise."""
    from qlint.fixes.blocks import chain_to, chain_to_call_statement, lone_call_statement

    calls: list[cst.Call] = []

    class Calls(cst.CSTVisitor):
        def visit_Call(self, node: cst.Call) -> None:
            calls.append(node)

    checked = Counter()
    for path in fixture_files():
        if b"task_done()" not in path.read_bytes():
            continue  # the call the fixes look for
        for statement in cst.parse_module(path.read_bytes()).body:
            calls.clear()
            statement.visit(Calls())
            for call in calls:
                full = chain_to(statement, call)
                assert full is not None
                alone = len(full) >= 3 and lone_call_statement(full[-3], call)
                assert chain_to_call_statement(statement, call) == (full if alone else None), (path.name, alone)
                checked[alone] += 1
    assert checked[True] > 100 and checked[False] > 100


@pytest.mark.parametrize("body, leaves", [
    ("work(item)", False),
    ("return item", True),
    ("if item:\n    break", True),
    ("continue", True),
    ("q.task_done()", True),
    ("callback = q.task_done", True),
    ("while more():\n    break", False),
    ("for part in item:\n    continue", False),
    ("while more():\n    pass\nelse:\n    break", True),
    ("for part in item:\n    return part", True),
    ("def inner():\n    return q.task_done()", False),
    ("handler = lambda: q.task_done()", False),
    ("class Inner:\n    done = q.task_done", False),
])
def test_what_leaves_the_loop_or_acknowledges(body: str, leaves: bool) -> None:
    """The statements QL104 would wrap in try/finally: not when they leave the consumer
    loop or acknowledge themselves (a nested scope or loop has its own)."""
    from qlint.fixes.blocks import leaves_or_acknowledges

    assert leaves_or_acknowledges(cst.parse_module(body + "\n").body) is leaves


@pytest.mark.parametrize("body, acknowledged", [
    ("work(item)", False),
    ("callback = q.task_done", True),
    ("def inner():\n    q.task_done()", True),
    ("finish(q)", True),
])
def test_what_acknowledges_within(body: str, acknowledged: bool) -> None:
    """A `task_done` anywhere, or a call the analysis says may acknowledge (`finish` here)."""
    from qlint.fixes.acknowledge import _acknowledged_within

    def acknowledges(call: cst.Call) -> bool:
        return isinstance(call.func, cst.Name) and call.func.value == "finish"

    assert _acknowledged_within(cst.parse_module(body + "\n").body, acknowledges) is acknowledged
