"""Moved to `qlint.fix` (fixing files belongs beside the runner, not under the fixes the
engine uses). Kept only for `qlint/cli.py`, which still imports `fix_source` from here:
once it imports `qlint.fix`, delete this file and its entry in tests/test_import_cycles.py."""

from __future__ import annotations

from typing import Any


def __getattr__(name: str) -> Any:
    import qlint.fix

    return getattr(qlint.fix, name)
