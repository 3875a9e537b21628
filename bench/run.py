"""Speed of qlint beside ruff and flake8, measured in one run on the same files.

    python bench/run.py [FOLDER] [--repeat N] [--flake8-repeat N] [--skip-flake8]

FOLDER defaults to the standard library of the running Python (site-packages
excluded, as in the figures of the speed issue). Prints wall time (best of N), the
ratio to ruff, peak memory of the process tree, and how many files qlint read,
parsed and skipped. qlint runs cold (`--no-cache`) and warm (a cache filled by one
run before, in a temporary folder). flake8 runs in two throwaway venvs, one without qlint and one
with it, made on first use under bench/.venvs (needs the package index).
This is a tool to run by hand: a benchmark, never a timed test.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENVS = Path(__file__).resolve().parent / ".venvs"


# Runs one command and prints the peak resident size of its largest process, in KiB.
_PEAK = (
    "import resource, subprocess, sys; "
    "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL); "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
)


def measure(command: list[str], repeat: int, cwd: str | None = None) -> tuple[float, float]:
    """(best wall seconds over `repeat` runs, peak resident MiB of its largest process)."""
    best, peak = float("inf"), 0.0
    for _ in range(repeat):
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-c", _PEAK, *command], capture_output=True, text=True, cwd=cwd)
        best = min(best, time.perf_counter() - start)
        peak = max(peak, int(done.stdout.strip() or 0) / 1024)
    return best, peak


def flake8_venv(name: str, with_qlint: bool) -> Path:
    """A venv with flake8 (made once), and with this checkout's qlint (reinstalled every run)."""
    folder = VENVS / name
    python = folder / "bin" / "python"
    if not python.exists():
        venv.create(folder, with_pip=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "flake8"], check=True)
    if with_qlint:
        subprocess.run([str(python), "-m", "pip", "install", "-q", "--force-reinstall", "--no-deps", str(ROOT)],
                       check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", str(ROOT)], check=True)  # its dependencies
    return python


def file_counts(folder: str, exclude: list[str]) -> tuple[int, int, int]:
    """(files qlint reads, files whose text passes a rule's gate and CPython parses,
    files the prefilter on CPython's tree passes on to LibCST)."""
    sys.path.insert(0, str(ROOT))
    import ast
    import warnings

    from qlint.engine import decode, rules_for
    from qlint.files import DEFAULT_EXCLUDE, DiscoveryOptions, discover
    from qlint.prefilter import possible_rules
    from qlint.settings import Settings

    options = DiscoveryOptions(exclude=DEFAULT_EXCLUDE + tuple(exclude))
    read = gated = analysed = 0
    for found in discover([folder], options):
        if found.error:
            continue
        read += 1
        try:
            with open(found.path, "rb") as handle:
                text = decode(handle.read())
            rules = rules_for(text, Settings())
            if not rules:
                continue
            gated += 1
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                tree = ast.parse(text)
            analysed += bool(possible_rules(tree, [rule.code for rule in rules], Settings()))
        except (OSError, SyntaxError, UnicodeDecodeError, LookupError, ValueError, RecursionError):
            pass
    return read, gated, analysed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", default=sysconfig.get_paths()["stdlib"])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-flake8", action="store_true")
    parser.add_argument("--flake8-repeat", type=int, default=2, help="alternating runs of each flake8 (best is kept)")
    args = parser.parse_args()
    exclude = ["site-packages"] if args.folder == sysconfig.get_paths()["stdlib"] else []
    bin_dir = Path(sys.executable).parent
    qlint = [str(bin_dir / "qlint")] if (bin_dir / "qlint").exists() else [sys.executable, "-m", "qlint"]
    ruff = shutil.which("ruff", path=str(bin_dir)) or shutil.which("ruff")
    excluding = [f"--extend-exclude={','.join(exclude)}"] if exclude else []

    rows: list[tuple[str, float, float]] = []
    if ruff:
        rows.append(("ruff check --select ALL (concise)", *measure(
            [ruff, "check", "--select", "ALL", "--no-cache", "--output-format", "concise", "--exit-zero",
             *excluding, args.folder], args.repeat)))
    with tempfile.TemporaryDirectory(prefix="qlint-bench-cache-") as cache:
        rows.append(("qlint --no-cache (cold)", *measure(
            [*qlint, "--no-cache", "--exit-zero", *excluding, args.folder], args.repeat)))
        warm = [*qlint, "--cache-dir", cache, "--exit-zero", *excluding, args.folder]
        subprocess.run(warm, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fills the cache
        rows.append(("qlint (warm: every file cached)", *measure(warm, args.repeat)))
    if not args.skip_flake8:
        # Paired: the two flake8 runs alternate, so a busy spell on a shared machine hits both.
        pythons = {name: flake8_venv(name, with_qlint) for name, with_qlint in (("flake8", False), ("flake8+qlint", True))}
        best = {name: (float("inf"), 0.0) for name in pythons}
        for _ in range(args.flake8_repeat):
            for name, python in pythons.items():
                flake8 = str(python.parent / "flake8")
                # From a neutral folder: run from this repository, flake8 would find qlint's
                # egg-info on sys.path and load the plugin in the venv meant to be without it.
                seconds, peak = measure([flake8, "--isolated", "--jobs", "2", "--exit-zero", *excluding, args.folder],
                                        1, cwd="/")
                best[name] = (min(best[name][0], seconds), max(best[name][1], peak))
        rows.extend((f"{name} --jobs 2", *best[name]) for name in pythons)

    read, gated, analysed = file_counts(args.folder, exclude)
    print(f"folder: {args.folder} (excluding {exclude or 'nothing'}); cores: {os.cpu_count()}")
    print(f"qlint reads {read} files; {read - gated} are skipped on their text alone; CPython parses "
          f"{gated}; the prefilter on its tree sends {analysed} to LibCST")
    base = rows[0][1] if ruff else None
    print(f"{'command':40} {'wall s':>8} {'x ruff':>8} {'peak MiB':>9}")
    for name, seconds, peak in rows:
        ratio = f"{seconds / base:8.2f}" if base else "       -"
        print(f"{name:40} {seconds:8.2f} {ratio} {peak:9.0f}")
    flake8_rows = {name: seconds for name, seconds, _ in rows if name.startswith("flake8")}
    if len(flake8_rows) == 2:
        ratio = flake8_rows["flake8+qlint --jobs 2"] / flake8_rows["flake8 --jobs 2"]
        print(f"flake8 with qlint / without: {ratio:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
