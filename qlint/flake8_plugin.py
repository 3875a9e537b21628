"""The flake8 surface: `flake8 --select QL` runs the same engine on flake8's lines."""

from __future__ import annotations

import ast
from typing import Iterator

from qlint import __version__
from qlint.engine import check_source
from qlint.settings import Settings

_SETTINGS = Settings()


class QlintChecker:
    """flake8 AST plugin. flake8 applies `# noqa` and `--select` itself."""

    name = "qlint"
    version = __version__

    def __init__(self, tree: ast.AST, filename: str, lines: list[str]) -> None:
        self.filename = filename
        self.lines = lines
        self.tree = tree if isinstance(tree, ast.Module) else None

    def run(self) -> Iterator[tuple[int, int, str, type]]:
        source = "".join(self.lines)
        report = check_source(source, self.filename, _SETTINGS, apply_noqa=False, tree=self.tree)
        for diagnostic in report.diagnostics:
            yield diagnostic.line, diagnostic.col - 1, f"{diagnostic.code} {diagnostic.message}", type(self)
