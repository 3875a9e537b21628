"""A queue attribute another module builds is evidence the prefilter weighs (engine.py):
the rules it makes needed (QL202, QL303) run only where they could fire with that class
known, and the check after a whole-project run's index weighs them the same way before
it lints a file again (whole_project._may_differ)."""

from __future__ import annotations

import ast
from pathlib import Path

from qlint import whole_project
from qlint.engine import check_source
from qlint.prefilter import possible_rules
from qlint.project.context import build_context
from qlint.settings import Settings

CLIENT = "import asyncio\n\n\nclass Client:\n    def __init__(self):\n        self.inbox = asyncio.Queue()\n"
PUTS = "from app.client import Client\n\n\nasync def main(client: Client):\n    client.inbox.put(21)\n"
SAFE = "from app.client import Client\n\n\nasync def main(client: Client):\n    client.inbox.put_nowait(21)\n"


def test_the_prefilter_weighs_a_class_built_elsewhere() -> None:
    settings = Settings()
    made = {"inbox": "asyncio.Queue"}
    assert possible_rules(ast.parse(PUTS), {"QL303"}, settings, made) == {"QL303"}
    assert possible_rules(ast.parse(PUTS), {"QL303"}, settings) == set()  # the module alone does not say
    assert possible_rules(ast.parse(SAFE), {"QL303"}, settings, made) == set()  # put_nowait needs no await
    assert possible_rules(ast.parse(PUTS), {"QL303"}, settings, {"inbox": "queue.Queue"}) == set()


def _project(tmp_path: Path, user: str) -> tuple[Path, whole_project.ProjectContext]:
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "app").mkdir(exist_ok=True)
    (tmp_path / "app" / "__init__.py").write_text("")
    (tmp_path / "app" / "client.py").write_text(CLIENT)
    path = tmp_path / "main.py"
    path.write_text(user)
    return path, build_context([str(tmp_path)])


def test_the_engine_runs_a_rule_made_needed_only_where_it_could_fire(tmp_path: Path) -> None:
    path, context = _project(tmp_path, PUTS)
    report = check_source(path.read_bytes(), str(path), project=context.view_for(str(path)))
    assert "QL303" in report.ran and [d.code for d in report.diagnostics] == ["QL303"]
    path.write_text(SAFE)
    report = check_source(path.read_bytes(), str(path), project=context.view_for(str(path)))
    assert "QL303" not in report.ran and report.diagnostics == []


def test_the_check_after_the_index_lints_again_only_where_the_rule_could_fire(tmp_path: Path) -> None:
    settings = Settings()
    for text, again in ((PUTS, True), (SAFE, False)):
        path, context = _project(tmp_path, text)
        first = whole_project._first_pass(str(path), str(path), settings, False, False)
        assert first[5] is not None and "QL303" in first[5][1]  # left to run: another module could make it needed
        assert whole_project._may_differ(str(path), first[3], first[4], first[5], context, settings) is again
