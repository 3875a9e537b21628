"""qlint: a linter for misuse of Python work queues."""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

__all__ = ["Diagnostic", "Settings", "lint_source", "__version__"]


def __getattr__(name: str) -> Any:
    """The public names, loaded on first use: the engine brings LibCST, which a cached run never needs."""
    if name == "lint_source":
        from qlint.engine import lint_source

        return lint_source
    if name == "Diagnostic":
        from qlint.diagnostic import Diagnostic

        return Diagnostic
    if name == "Settings":
        from qlint.settings import Settings

        return Settings
    raise AttributeError(f"module 'qlint' has no attribute {name!r}")
