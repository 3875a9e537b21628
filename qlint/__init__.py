"""qlint: a linter for misuse of Python work queues."""

__version__ = "0.1.0"

from qlint.diagnostic import Diagnostic
from qlint.engine import lint_source
from qlint.settings import Settings

__all__ = ["Diagnostic", "Settings", "lint_source", "__version__"]
