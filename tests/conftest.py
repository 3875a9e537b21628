import sys
from pathlib import Path

# Tests import helpers as `tests.…` from the repository root.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _cache_outside_the_repository(tmp_path_factory, monkeypatch) -> None:
    """Commands run by tests keep their cache in a temporary folder, never in the checkout."""
    monkeypatch.setenv("QLINT_CACHE_DIR", str(tmp_path_factory.mktemp("qlint_cache")))
