"""What a new user installs and reads: the distribution's name, install lines, hook examples."""

from __future__ import annotations

import re
import sys
from pathlib import Path

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
