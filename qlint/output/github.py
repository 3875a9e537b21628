"""GitHub Actions workflow commands: an inline annotation per finding."""

from __future__ import annotations

from typing import TextIO

from qlint.diagnostic import Diagnostic


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def write(diagnostics: list[Diagnostic], out: TextIO, **_: object) -> None:
    for d in diagnostics:
        properties = [
            f"title={_property('qlint (' + d.code + ')')}",
            f"file={_property(d.path)}",
            f"line={d.line}",
            f"col={d.col}",
            f"endLine={d.end_line or d.line}",
            f"endColumn={d.end_col or d.col}",
        ]
        out.write(f"::error {','.join(properties)}::{_data(d.code + ' ' + d.message)}\n")
