import os
import sys
from pathlib import Path

# Tests import helpers as `tests.…` from the repository root.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


import pytest  # noqa: E402
from hypothesis import settings  # noqa: E402

# Hypothesis: in CI (the CI environment variable is set, as `.ci/run` and hosted CI do)
# every run draws the same examples, so a red build is red again on a rerun and on a
# laptop; a failure prints the `@reproduce_failure` blob that replays it. Elsewhere
# examples are random (more programs over time); a failure prints the blob too, and the
# example database (.hypothesis/) replays it on the next run.
# Both start from Hypothesis' defaults, not from its own built-in "ci" profile (loaded when
# CI is set), which would switch off the too_slow health check.
settings.register_profile(
    "ci", settings.get_profile("default"), derandomize=True, print_blob=True, database=None, suppress_health_check=[]
)
settings.register_profile("dev", settings.get_profile("default"), print_blob=True, suppress_health_check=[])
settings.load_profile(os.environ.get("QLINT_HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev"))

# The tiers CI runs (`--tier fast` on every supported Python, `--tier full` on the main
# one). A test carrying one of these markers runs in the full tier only; every other test
# runs in the fast tier. Together the two tiers run every test once.
FULL_TIER_MARKERS = ("corpus", "runtime", "integration")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--tier", choices=("fast", "full"), default=None,
        help="fast: every test but the corpus, the runtime demos and the extra flake8 runs; full: only those",
    )


def in_full_tier(item: pytest.Item) -> bool:
    return any(item.get_closest_marker(name) is not None for name in FULL_TIER_MARKERS)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    tier = config.getoption("--tier")
    if tier is None:
        return
    keep, drop = [], []
    for item in items:
        (keep if in_full_tier(item) == (tier == "full") else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.fixture(autouse=True)
def _cache_outside_the_repository(tmp_path_factory, monkeypatch) -> None:
    """Commands run by tests keep their cache in a temporary folder, never in the checkout."""
    monkeypatch.setenv("QLINT_CACHE_DIR", str(tmp_path_factory.mktemp("qlint_cache")))


# The corpus of the full tier: this Python's standard library without site-packages (so
# the same files on every machine with this Python, unlike site-packages), and the
# bundled fixtures (so the corpus has real findings, which a broken run would lose).
CORPUS_EXCLUDE = ("site-packages",)


@pytest.fixture(scope="session")
def corpus_files() -> list:
    import sysconfig

    from qlint.files import DEFAULT_EXCLUDE, DiscoveryOptions, discover
    from tests.fixture_expectations import FIXTURES

    options = DiscoveryOptions(exclude=DEFAULT_EXCLUDE + CORPUS_EXCLUDE)
    files = list(discover([sysconfig.get_paths()["stdlib"], str(FIXTURES)], options))
    assert not any("site-packages" in found.path for found in files)
    return files


@pytest.fixture(scope="session")
def corpus_run(corpus_files: list):
    """The corpus linted once per session with the default settings, two processes, no cache:
    the run the corpus tests compare their own runs with."""
    from qlint.runner import run
    from qlint.settings import Settings

    result = run(corpus_files, Settings(), jobs=2)
    assert any(d.code != "QL000" for d in result.diagnostics), "the corpus must give real findings"
    return result
