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
