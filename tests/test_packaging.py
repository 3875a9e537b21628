"""What a new user installs and reads: the distribution's name, install lines, hook examples."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml

from tests.test_cli import BUGGY

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]

# `qlint` on PyPI is an unrelated project; ours must never be installed by that name.
DISTRIBUTION = "qlint-queues"


def test_the_distribution_has_a_name_of_its_own() -> None:
    project = PYPROJECT["project"]
    assert project["name"] == DISTRIBUTION
    assert project["scripts"] == {"qlint": "qlint.cli:main"}  # the command stays `qlint`
    assert "urls" not in project or all("invalid" not in url for url in project["urls"].values())


def test_no_install_line_names_the_other_qlint() -> None:
    # `pip install qlint`, `'qlint[flake8]'`, `"qlint @ git+..."` all install the other project.
    wrong = re.compile(r"""pip install[^\n`]*?(?<![\w./-])['"]?qlint(\[|\s|['"]|@|$)""")
    for document in DOCUMENTS:
        for number, line in enumerate(document.read_text("utf-8").splitlines(), 1):
            if "not this one" in line or "another project" in line or "other tool" in line:
                continue
            assert not wrong.search(line), f"{document.name}:{number}: {line.strip()}"


def test_the_readme_says_the_qlint_on_pypi_is_not_us() -> None:
    text = " ".join((ROOT / "README.md").read_text("utf-8").split())
    assert f"The distribution is called `{DISTRIBUTION}`" in text
    assert "The `qlint` distribution on PyPI is an unrelated project, not this one" in text


def _yaml_blocks(document: Path) -> list[str]:
    return [textwrap.dedent(block) for block in re.findall(r"```yaml\n(.*?)```", document.read_text("utf-8"), re.S)]


def _precommit_configs() -> list[tuple[str, dict]]:
    return [(document.name, yaml.safe_load(block)) for document in DOCUMENTS for block in _yaml_blocks(document)
            if "hooks:" in block]


def test_every_precommit_example_is_a_complete_config_that_names_no_placeholder() -> None:
    configs = _precommit_configs()
    assert {name for name, _ in configs} >= {"README.md", "pre-commit-and-ci.md"}
    for name, config in configs:
        assert isinstance(config, dict) and isinstance(config.get("repos"), list), name
        for repo in config["repos"]:
            # No published home and no tag yet: a local hook, or a repository pinned to a commit.
            assert repo["repo"] == "local" or re.fullmatch(r"[0-9a-f]{40}", str(repo.get("rev"))), (name, repo)
    for document in DOCUMENTS:
        text = document.read_text("utf-8")
        assert "example.invalid" not in text and "v0.1.0" not in text, document.name


@pytest.mark.slow
def test_the_readmes_precommit_config_works(tmp_path: Path) -> None:
    [config] = [block for block in _yaml_blocks(ROOT / "README.md") if "repos:" in block]
    (tmp_path / ".pre-commit-config.yaml").write_text(config)
    (tmp_path / "bad.py").write_text(BUGGY)
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / ".cache"),
           "PATH": os.path.dirname(sys.executable) + os.pathsep + os.environ["PATH"]}
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run(["git", "add", "."], cwd=tmp_path, check=True)
    done = subprocess.run([sys.executable, "-m", "pre_commit", "run", "--files", "bad.py"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 1 and "bad.py:7:9: QL104 " in done.stdout, done.stdout + done.stderr


def test_usage_says_only_multiline_strings_join_lines_for_noqa() -> None:
    from qlint import lint_source
    from tests.test_cli import NOQA_PLACEMENTS

    text = " ".join((ROOT / "docs" / "usage.md").read_text("utf-8").split())
    assert "Only a multi-line string joins lines" in text
    assert "a `# noqa` on any of its lines covers all of them" not in text
    # What it says is what qlint (and flake8, tests/test_cli.py) does:
    assert [d.code for d in lint_source(NOQA_PLACEMENTS["call-split-over-lines"][0], "x.py")] == ["QL104"]
    assert lint_source(NOQA_PLACEMENTS["after-multiline-string"][0], "x.py") == []


def test_ruff_md_asks_everyone_who_runs_ruff_fix_for_external() -> None:
    text = " ".join((ROOT / "docs" / "ruff.md").read_text("utf-8").split())
    assert "Anyone who runs `ruff check --fix` needs this" in text
    assert "`RUF100` (unused-noqa) is on by default" in text
    assert "current releases leave unknown codes to `RUF102`" not in text


RUFF = shutil.which("ruff", path=os.path.dirname(sys.executable)) or shutil.which("ruff")


@pytest.mark.skipif(RUFF is None, reason="ruff is not installed")
@pytest.mark.parametrize("external, kept", [(False, "import os\n"), (True, "import os  # noqa: QL104\n")])
def test_what_ruff_md_says_ruff_fix_does(tmp_path: Path, external: bool, kept: str) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.ruff.lint]\nexternal = ["QL"]\n' if external else "")
    (tmp_path / "a.py").write_text("import os  # noqa: F401, QL104\n\nprint(os)\n")
    subprocess.run([RUFF, "check", "--no-cache", "--fix", "a.py"], cwd=tmp_path, capture_output=True, timeout=60)
    assert (tmp_path / "a.py").read_text().splitlines(keepends=True)[0] == kept


def test_the_readme_says_how_long_the_suite_takes_and_offers_the_fast_tier() -> None:
    top = (ROOT / "README.md").read_text("utf-8").split("## ", 1)[0]  # before the first section
    prose = " ".join(top.split())
    assert "The whole suite takes several minutes" in prose
    assert re.search(r"run the fast tier, about (a|\d+) minutes?", prose)
    assert '.venv/bin/python -m pytest -m "not slow"' in top
    markers = PYPROJECT["tool"]["pytest"]["ini_options"]["markers"]
    assert any(marker.startswith("slow:") for marker in markers)  # the tier the README offers exists
