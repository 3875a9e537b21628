"""Which files a walk finds: exclusions as ruff reads them, odd folders, unreadable things."""

from __future__ import annotations

import os
import shlex
from pathlib import Path

import pytest
import yaml

from qlint.cli import main
from tests.fixture_expectations import finding_lines
from tests.test_cli import BUGGY, CLEAN

HOOKS = Path(__file__).resolve().parent.parent / ".pre-commit-hooks.yaml"


def _run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def _tree(root: Path, files: dict[str, str], table: str = "") -> Path:
    (root / "pyproject.toml").write_text(f"[tool.qlint]\n{table}\n")
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def _linted(out: str) -> list[str]:
    return sorted({Path(line.split(":")[0]).as_posix() for line in finding_lines(out)})


# -- a pattern's trailing slash means "this folder" (the README's own example) --------


def test_trailing_slash_excludes_the_folder_when_walking(tmp_path: Path, capsys, monkeypatch) -> None:
    _tree(tmp_path, {"legacy/old.py": BUGGY, "src/legacy/deep.py": BUGGY, "app.py": BUGGY},
          'extend-exclude = ["legacy/"]')
    monkeypatch.chdir(tmp_path)
    assert _linted(_run(capsys, ".")[1]) == ["app.py"]


def test_trailing_slash_does_not_exclude_a_file_of_that_name(tmp_path: Path, capsys, monkeypatch) -> None:
    _tree(tmp_path, {"gen.py": BUGGY}, 'extend-exclude = ["gen.py/"]')
    monkeypatch.chdir(tmp_path)
    assert _linted(_run(capsys, ".")[1]) == ["gen.py"]


def test_trailing_slash_with_force_exclude_and_in_the_hook(tmp_path: Path, capsys, monkeypatch) -> None:
    _tree(tmp_path, {"legacy/old.py": BUGGY, "app.py": BUGGY}, 'extend-exclude = ["legacy/"]')
    monkeypatch.chdir(tmp_path)
    assert _linted(_run(capsys, "--force-exclude", "legacy/old.py", "app.py")[1]) == ["app.py"]
    # The pre-commit hook runs its entry with the staged files' names.
    entry = shlex.split(yaml.safe_load(HOOKS.read_text())[0]["entry"])
    assert entry[0] == "qlint"
    assert _run(capsys, *entry[1:], "legacy/old.py") == (0, "", "")


# -- a folder is a folder, whatever its name ------------------------------------------


def test_a_folder_named_like_a_python_file_is_walked_not_read(tmp_path: Path, capsys, monkeypatch) -> None:
    _tree(tmp_path, {"nats.py/client.py": BUGGY, "pkg.py/ok.py": CLEAN})
    monkeypatch.chdir(tmp_path)
    code, out, err = _run(capsys, ".")
    assert (code, err) == (1, "")
    assert _linted(out) == ["nats.py/client.py"]


# -- what cannot be read is an error, folder or file, named or walked -----------------


def test_an_unreadable_folder_is_an_error_as_an_unreadable_file_is(tmp_path: Path, capsys, monkeypatch) -> None:
    _tree(tmp_path, {"locked/inner.py": BUGGY, "app.py": BUGGY})
    real_scandir = os.scandir
    locked = str(tmp_path / "locked")

    def scandir(path="."):  # as chmod 000 would, for a user who is not root
        if os.fspath(path) == locked:
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    code, out, err = _run(capsys, str(tmp_path))
    assert code == 2
    assert _linted(out) == [(tmp_path / "app.py").as_posix()]
    assert err == f"qlint: {locked}: cannot read: Permission denied\n"


def test_a_broken_symlink_has_one_wording_named_or_walked(tmp_path: Path, capsys) -> None:
    (tmp_path / "dangling.py").symlink_to(tmp_path / "nowhere.py")
    (tmp_path / "loop.py").symlink_to(tmp_path / "loop.py")
    walked = _run(capsys, str(tmp_path))
    named = _run(capsys, str(tmp_path / "dangling.py"), str(tmp_path / "loop.py"))
    expected = (f"qlint: {tmp_path / 'dangling.py'}: broken symbolic link\n"
                f"qlint: {tmp_path / 'loop.py'}: symbolic link loop\n")
    assert walked == named == (2, "", expected)


@pytest.mark.parametrize("pattern", ["legacy/", "legacy"])
def test_a_named_folder_under_an_excluded_one_is_skipped_with_force_exclude(
    tmp_path: Path, capsys, monkeypatch, pattern: str
) -> None:
    _tree(tmp_path, {"legacy/sub/old.py": BUGGY}, f'extend-exclude = ["{pattern}"]')
    monkeypatch.chdir(tmp_path)
    assert _run(capsys, "--force-exclude", "legacy/sub") == (0, "", "")
    assert _linted(_run(capsys, "legacy/sub")[1]) == ["legacy/sub/old.py"]
