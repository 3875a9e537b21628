"""Output as ruff's users expect it: format names, statistics, links, errors, carets, fix summaries."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from qlint.cli import main
from tests.test_cli import BUGGY, CLEAN
from tests.test_config_and_formats import SCHEMA, TWO_FINDINGS


def _run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def _write(folder: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (folder / name).write_text(text)
    return folder


# -- 14: ruff's format name, statistics as JSON ------------------------------------------------


def test_concise_is_ruffs_name_for_the_default_format(tmp_path: Path, capsys) -> None:
    path = _write(tmp_path, {"bad.py": BUGGY}) / "bad.py"
    default = _run(capsys, "--no-cache", str(path))
    assert _run(capsys, "--no-cache", "--output-format", "concise", str(path)) == default
    (tmp_path / "pyproject.toml").write_text('[tool.qlint]\noutput-format = "concise"\n')
    assert _run(capsys, "--no-cache", str(path)) == default


def test_statistics_honour_the_json_format(tmp_path: Path, capsys) -> None:
    folder = _write(tmp_path, {"a.py": TWO_FINDINGS, "b.py": BUGGY})
    code, out, _ = _run(capsys, "--no-cache", "--statistics", "--format", "json", str(folder))
    assert code == 1
    assert json.loads(out) == [
        {"code": "QL104", "name": "task-done-not-in-finally", "count": 2, "fixable": True},
        {"code": "QL102", "name": "path-skips-task-done", "count": 1, "fixable": False},
    ]


# -- 15: links, paths and errors in JSON and SARIF -------------------------------------------


def _sarif(capsys, *args: str) -> tuple[int, dict]:
    code, out, _ = _run(capsys, "--no-cache", "--format", "sarif", *args)
    document = json.loads(out)
    jsonschema.validate(document, json.loads(SCHEMA.read_text()))
    return code, document


def test_no_rule_link_into_this_repository(tmp_path: Path, capsys, monkeypatch) -> None:
    """A path inside qlint's checkout is no use to its users: until a home is published there
    is no link (JSON `url` null, no SARIF `helpUri`); once there is, both use it."""
    path = _write(tmp_path, {"bad.py": BUGGY}) / "bad.py"
    [finding] = json.loads(_run(capsys, "--no-cache", "--format", "json", str(path))[1])
    assert finding["url"] is None
    rules = _sarif(capsys, str(path))[1]["runs"][0]["tool"]["driver"]["rules"]
    assert not any("helpUri" in rule for rule in rules)
    monkeypatch.setattr("qlint.output.RULE_DOCS_URL", "https://qlint.example/rules/{code}.html")
    [finding] = json.loads(_run(capsys, "--no-cache", "--format", "json", str(path))[1])
    assert finding["url"] == "https://qlint.example/rules/QL104.html"
    rules = _sarif(capsys, str(path))[1]["runs"][0]["tool"]["driver"]["rules"]
    assert rules[3]["id"] == "QL104" and rules[3]["helpUri"] == "https://qlint.example/rules/QL104.html"


def test_sarif_help_is_markdown_in_markdown_and_plain_in_text(tmp_path: Path, capsys) -> None:
    from qlint.rules import RULES_BY_CODE

    rules = _sarif(capsys, str(_write(tmp_path, {"ok.py": CLEAN})))[1]["runs"][0]["tool"]["driver"]["rules"]
    for rule in rules:
        assert rule["help"]["markdown"] == RULES_BY_CODE[rule["id"]].doc
        assert "```" not in rule["help"]["text"] and "\n## " not in rule["help"]["text"]
        assert "`" not in rule["help"]["text"]


def test_sarif_paths_are_relative_to_the_repository_root(tmp_path: Path, capsys, monkeypatch) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "src" / "deep").mkdir(parents=True)
    _write(tmp_path / "src", {"bad.py": BUGGY})
    monkeypatch.chdir(tmp_path / "src" / "deep")
    run = _sarif(capsys, "../bad.py")[1]["runs"][0]
    assert run["originalUriBaseIds"] == {"%SRCROOT%": {"uri": tmp_path.as_uri() + "/"}}
    [result] = run["results"]
    artifact = result["locations"][0]["physicalLocation"]["artifactLocation"]
    assert artifact == {"uri": "src/bad.py", "uriBaseId": "%SRCROOT%"}
    assert result["fixes"][0]["artifactChanges"][0]["artifactLocation"] == artifact


def test_errors_are_in_sarif_notifications_and_at_the_end_of_the_json(tmp_path: Path, capsys, monkeypatch) -> None:
    (tmp_path / ".git").mkdir()
    _write(tmp_path, {"bad.py": BUGGY})
    monkeypatch.chdir(tmp_path)
    code, document = _sarif(capsys, "bad.py", "missing.py")
    assert code == 2
    [invocation] = document["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is False
    assert invocation["toolExecutionNotifications"] == [{
        "level": "error", "message": {"text": "no such file or directory"},
        "locations": [{"physicalLocation": {"artifactLocation": {"uri": "missing.py", "uriBaseId": "%SRCROOT%"}}}],
    }]
    code, out, err = _run(capsys, "--no-cache", "--format", "json", "bad.py", "missing.py")
    found = json.loads(out)
    assert code == 2 and [f["code"] for f in found] == ["QL104", "QL000"]
    assert found[1] == {"code": "QL000", "name": "error", "message": "no such file or directory",
                        "filename": "missing.py", "location": {"row": 1, "column": 1},
                        "end_location": {"row": 1, "column": 1}, "fix": None, "url": None}
    assert err == "qlint: missing.py: no such file or directory\n"
    assert _sarif(capsys, "bad.py")[1]["runs"][0]["invocations"][0]["executionSuccessful"] is True


# -- 17: --show-source underlines the span -------------------------------------------------------

WITH_GET = "import queue\n\ndef worker(q):\n    while True:\n        with q.get() as item:  # one item\n            work(item)\n"


def test_show_source_underlines_the_span_not_the_comment(tmp_path: Path, capsys) -> None:
    path = _write(tmp_path, {"with_get.py": WITH_GET}) / "with_get.py"
    out = _run(capsys, "--no-cache", "--show-source", "--select", "QL302", str(path))[1]
    assert out.splitlines()[1:3] == [
        "            with q.get() as item:  # one item",
        "            ^^^^^^^^^^^^^^^^^^^^^",
    ]


@pytest.mark.parametrize("line, end", [("    x = f(a,  # why", 12), ("y = '#'  # c", 7), ('s = """open  ', 11), ("z = 1", 5)])
def test_code_end_stops_before_a_comment(line: str, end: int) -> None:
    from qlint.output.text import _code_end

    assert _code_end(line) == end


# -- 18: a clean --fix -----------------------------------------------------------------------------


def test_a_clean_fix_says_all_checks_passed(tmp_path: Path, capsys) -> None:
    folder = _write(tmp_path, {"ok.py": CLEAN})
    assert _run(capsys, "--fix", str(folder)) == (0, "All checks passed!\n", "")
    _write(tmp_path, {"bad.py": BUGGY})  # something to fix: ruff's count, as before
    assert _run(capsys, "--fix", str(folder)) == (0, "Found 1 finding (1 fixed, 0 remaining).\n", "")
